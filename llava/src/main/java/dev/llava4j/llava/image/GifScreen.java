package dev.llava4j.llava.image;

import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.IOException;
import javax.imageio.ImageReader;
import javax.imageio.metadata.IIOMetadata;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;

/**
 * Places the first GIF frame on its logical screen as Pillow does: the canvas takes the screen size (grown to
 * hold the frame if it sticks out), is filled with the frame's transparent index or else index 0, and the
 * frame is pasted at its offset.
 */
final class GifScreen {

    private GifScreen() {
    }

    static RgbImage placeFirstFrame(ImageReader reader, BufferedImage frame, RgbImage frameRgb, String source)
            throws IOException {
        int left = attribute(reader.getImageMetadata(0), "javax_imageio_gif_image_1.0", "ImageDescriptor",
                "imageLeftPosition", 0);
        int top = attribute(reader.getImageMetadata(0), "javax_imageio_gif_image_1.0", "ImageDescriptor",
                "imageTopPosition", 0);
        IIOMetadata stream = reader.getStreamMetadata();
        int screenW = attribute(stream, "javax_imageio_gif_stream_1.0", "LogicalScreenDescriptor",
                "logicalScreenWidth", frameRgb.width());
        int screenH = attribute(stream, "javax_imageio_gif_stream_1.0", "LogicalScreenDescriptor",
                "logicalScreenHeight", frameRgb.height());
        int canvasW = Math.max(screenW, left + frameRgb.width());
        int canvasH = Math.max(screenH, top + frameRgb.height());
        if (left == 0 && top == 0 && canvasW == frameRgb.width() && canvasH == frameRgb.height()) {
            return frameRgb;
        }
        if ((long) canvasW * canvasH * 3 > Integer.MAX_VALUE - 16) {
            throw new ImageDecodeException("image file " + source + " declares a GIF screen too large: "
                    + canvasW + "x" + canvasH);
        }
        RgbImage canvas = RgbImage.filled(canvasW, canvasH, fillColour(frame));
        for (int y = 0; y < frameRgb.height(); y++) {
            System.arraycopy(frameRgb.rgb(), y * frameRgb.width() * 3, canvas.rgb(),
                    ((y + top) * canvasW + left) * 3, frameRgb.width() * 3);
        }
        return canvas;
    }

    private static int[] fillColour(BufferedImage frame) {
        if (!(frame.getColorModel() instanceof IndexColorModel icm)) {
            return new int[] {0, 0, 0};
        }
        int index = Math.max(icm.getTransparentPixel(), 0);
        if (index >= icm.getMapSize()) {
            return new int[] {0, 0, 0};
        }
        return new int[] {icm.getRed(index), icm.getGreen(index), icm.getBlue(index)};
    }

    private static int attribute(IIOMetadata metadata, String format, String element, String name,
                                 int fallback) {
        if (metadata == null) {
            return fallback;
        }
        Node root = metadata.getAsTree(format);
        for (Node child = root.getFirstChild(); child != null; child = child.getNextSibling()) {
            if (element.equals(child.getNodeName())) {
                NamedNodeMap attributes = child.getAttributes();
                Node value = attributes == null ? null : attributes.getNamedItem(name);
                return value == null ? fallback : Integer.parseInt(value.getNodeValue());
            }
        }
        return fallback;
    }
}
