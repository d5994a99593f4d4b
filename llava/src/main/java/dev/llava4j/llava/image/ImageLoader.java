package dev.llava4j.llava.image;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import javax.imageio.IIOException;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Reads JPEG, PNG, BMP and GIF (first frame) files into {@link RgbImage}s with the pixel values Pillow gives for
 * {@code Image.open(f).convert("RGB")}: raw decoded samples, no colour management (embedded ICC profiles are
 * ignored), alpha dropped without compositing, see {@link PillowRgbConversion}.
 *
 * <p>EXIF orientation: LLaVA's code opens images with plain {@code Image.open}, which does NOT rotate by the
 * EXIF orientation tag, so {@link #load(Path)} does not either (parity with the published models). Pass
 * {@code applyExifOrientation = true} to get {@code ImageOps.exif_transpose} behaviour for JPEG files.
 *
 * <p>Every failure (unreadable, empty, truncated, corrupt or unsupported file) is an {@link ImageDecodeException}
 * naming the file.
 */
public final class ImageLoader {

    /** The largest image whose RGB bytes fit one Java array. */
    private static final long MAX_PIXELS = (Integer.MAX_VALUE - 16) / 3;

    private enum Format { JPEG, PNG, BMP, GIF }

    private ImageLoader() {
    }

    /** Loads {@code file} as RGB without EXIF rotation (what LLaVA does). */
    public static RgbImage load(Path file) {
        return load(file, false);
    }

    /** Loads {@code file} as RGB; with {@code applyExifOrientation} a JPEG's EXIF orientation is undone. */
    public static RgbImage load(Path file, boolean applyExifOrientation) {
        byte[] data;
        try {
            data = Files.readAllBytes(file);
        } catch (IOException | RuntimeException e) {
            throw new ImageDecodeException("cannot read image file " + file + ": " + describe(e), e);
        }
        return decode(data, file.toString(), applyExifOrientation);
    }

    /**
     * Decodes an encoded image held in memory.
     *
     * @param source the name used in error messages (usually the file path)
     */
    public static RgbImage decode(byte[] data, String source, boolean applyExifOrientation) {
        if (data.length == 0) {
            throw new ImageDecodeException("image file " + source + " is empty");
        }
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(data))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new ImageDecodeException("image file " + source
                        + " is not in a recognised image format (supported: JPEG, PNG, BMP, GIF)");
            }
            ImageReader reader = readers.next();
            Format format = formatOf(reader, source);
            RgbImage image;
            try {
                image = decodeFirstImage(reader, in, format, source);
            } finally {
                reader.dispose();
            }
            if (applyExifOrientation && format == Format.JPEG) {
                image = ExifOrientation.apply(image, ExifOrientation.read(data));
            }
            return image;
        } catch (ImageDecodeException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            // ImageIO plugins report corrupt data with IIOException but also with NPEs, index and argument errors.
            throw new ImageDecodeException("cannot decode image file " + source + ": " + describe(e), e);
        }
    }

    private static Format formatOf(ImageReader reader, String source) throws IOException {
        String name = reader.getFormatName().toLowerCase(Locale.ROOT);
        return switch (name) {
            case "jpeg", "jpg" -> Format.JPEG;
            case "png" -> Format.PNG;
            case "bmp" -> Format.BMP;
            case "gif" -> Format.GIF;
            default -> throw new ImageDecodeException("image file " + source + " is in format " + name
                    + ", which is not supported (supported: JPEG, PNG, BMP, GIF)");
        };
    }

    private static RgbImage decodeFirstImage(ImageReader reader, ImageInputStream in, Format format, String source)
            throws IOException {
        // Metadata is only needed for the GIF frame position; skipping it elsewhere avoids parsing work.
        reader.setInput(in, true, format != Format.GIF);
        List<String> warnings = new ArrayList<>();
        reader.addIIOReadWarningListener((r, warning) -> warnings.add(warning));
        long w = reader.getWidth(0);
        long h = reader.getHeight(0);
        if (w < 1 || h < 1 || w * h > MAX_PIXELS) {
            throw new ImageDecodeException("image file " + source + " declares an unsupported size " + w + "x" + h);
        }
        BufferedImage decoded;
        try {
            decoded = format == Format.JPEG ? reader.read(0, JpegRawColour.readParam(reader)) : reader.read(0);
        } catch (IIOException e) {
            if (format == Format.JPEG && String.valueOf(e.getMessage()).contains("Unsupported Image Type")) {
                throw new ImageDecodeException("image file " + source
                        + " is a CMYK/YCCK JPEG, which is not supported", e);
            }
            throw e;
        }
        failOnTruncation(warnings, source);
        RgbImage rgb = PillowRgbConversion.fromImage(decoded, source);
        if (format == Format.GIF) {
            rgb = GifScreen.placeFirstFrame(reader, decoded, rgb, source);
        }
        return rgb;
    }

    /** The JPEG decoder only warns when data runs out (and fills the rest grey); Pillow refuses such files. */
    private static void failOnTruncation(List<String> warnings, String source) {
        for (String warning : warnings) {
            String lower = warning.toLowerCase(Locale.ROOT);
            if (lower.contains("premature end") || lower.contains("truncated")) {
                throw new ImageDecodeException("image file " + source + " is truncated: " + warning);
            }
        }
    }

    private static String describe(Throwable e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName()
                : e.getClass().getSimpleName() + ": " + message;
    }
}
