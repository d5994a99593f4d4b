package dev.llava4j.llava.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A first GIF frame smaller than the logical screen lands at its offset on a canvas of palette entry 0. */
class GifScreenTest {

    @TempDir
    Path dir;

    @Test
    void frameIsPlacedOnTheLogicalScreen() throws IOException {
        byte[] r = {10, 50, 90, (byte) 130};
        byte[] g = {20, 60, 100, (byte) 140};
        byte[] b = {30, 70, 110, (byte) 150};
        var palette = new IndexColorModel(8, 4, r, g, b);
        BufferedImage frame = new BufferedImage(2, 1, BufferedImage.TYPE_BYTE_INDEXED, palette);
        frame.getRaster().setSample(0, 0, 0, 2);
        frame.getRaster().setSample(1, 0, 0, 3);

        Path file = dir.resolve("offset.gif");
        ImageWriter writer = ImageIO.getImageWritersByFormatName("gif").next();
        ImageWriteParam param = writer.getDefaultWriteParam();
        IIOMetadata imageMeta = writer.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(frame), param);
        var descriptor = new IIOMetadataNode("ImageDescriptor");
        descriptor.setAttribute("imageLeftPosition", "2");
        descriptor.setAttribute("imageTopPosition", "1");
        descriptor.setAttribute("imageWidth", "2");
        descriptor.setAttribute("imageHeight", "1");
        descriptor.setAttribute("interlaceFlag", "FALSE");
        var imageRoot = new IIOMetadataNode("javax_imageio_gif_image_1.0");
        imageRoot.appendChild(descriptor);
        imageMeta.mergeTree("javax_imageio_gif_image_1.0", imageRoot);

        IIOMetadata streamMeta = writer.getDefaultStreamMetadata(param);
        var screen = new IIOMetadataNode("LogicalScreenDescriptor");
        screen.setAttribute("logicalScreenWidth", "5");
        screen.setAttribute("logicalScreenHeight", "3");
        screen.setAttribute("colorResolution", "8");
        screen.setAttribute("pixelAspectRatio", "0");
        var streamRoot = new IIOMetadataNode("javax_imageio_gif_stream_1.0");
        streamRoot.appendChild(screen);
        streamMeta.mergeTree("javax_imageio_gif_stream_1.0", streamRoot);

        try (ImageOutputStream out = ImageIO.createImageOutputStream(file.toFile())) {
            writer.setOutput(out);
            writer.write(streamMeta, new IIOImage(frame, null, imageMeta), param);
        } finally {
            writer.dispose();
        }

        RgbImage rgb = ImageLoader.load(file);
        assertEquals(5, rgb.width());
        assertEquals(3, rgb.height());
        int[] reds = new int[15];
        for (int i = 0; i < 15; i++) {
            reds[i] = rgb.rgb()[3 * i] & 0xFF;
        }
        assertArrayEquals(new int[] {10, 10, 10, 10, 10, 10, 10, 90, 130, 10, 10, 10, 10, 10, 10}, reds);
        assertEquals(150, rgb.sample(3, 1, 2));
    }
}
