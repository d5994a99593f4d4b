package dev.llava4j.llava.image;

/**
 * The EXIF orientation tag (0x0112) of a JPEG file and the transposition that undoes it, as Pillow's
 * {@code ImageOps.exif_transpose} applies it. Malformed or absent EXIF data reads as orientation 1 (upright),
 * because a bad metadata block must not make an otherwise decodable image fail.
 */
public final class ExifOrientation {

    private static final int TAG_ORIENTATION = 0x0112;
    private static final int TYPE_SHORT = 3;

    private ExifOrientation() {
    }

    /**
     * The orientation 1..8 stored in the first APP1 "Exif" segment of a JPEG byte stream, or 1 when the data is
     * not a JPEG, has no such segment, or the value is missing or out of range.
     */
    public static int read(byte[] jpeg) {
        if (jpeg.length < 4 || (jpeg[0] & 0xFF) != 0xFF || (jpeg[1] & 0xFF) != 0xD8) {
            return 1;
        }
        int pos = 2;
        while (pos + 4 <= jpeg.length) {
            if ((jpeg[pos] & 0xFF) != 0xFF) {
                return 1;
            }
            int marker = jpeg[pos + 1] & 0xFF;
            if (marker == 0xFF) { // fill byte before a marker
                pos++;
                continue;
            }
            if (marker == 0xDA || marker == 0xD9) { // start of scan / end of image: no metadata after this
                return 1;
            }
            int length = u16(jpeg, pos + 2, false);
            int payload = pos + 4;
            int end = pos + 2 + length;
            if (length < 2 || end > jpeg.length) {
                return 1;
            }
            if (marker == 0xE1 && isExifHeader(jpeg, payload, end)) {
                return orientationFromTiff(jpeg, payload + 6, end);
            }
            pos = end;
        }
        return 1;
    }

    /** The transposition that turns an image stored with {@code orientation} upright; null for 1 (or unknown). */
    public static ImageTranspose correction(int orientation) {
        return switch (orientation) {
            case 2 -> ImageTranspose.FLIP_LEFT_RIGHT;
            case 3 -> ImageTranspose.ROTATE_180;
            case 4 -> ImageTranspose.FLIP_TOP_BOTTOM;
            case 5 -> ImageTranspose.TRANSPOSE;
            case 6 -> ImageTranspose.ROTATE_270;
            case 7 -> ImageTranspose.TRANSVERSE;
            case 8 -> ImageTranspose.ROTATE_90;
            default -> null;
        };
    }

    /** {@code image} turned upright for the given EXIF orientation (unchanged for 1 or an unknown value). */
    public static RgbImage apply(RgbImage image, int orientation) {
        ImageTranspose t = correction(orientation);
        return t == null ? image : t.apply(image);
    }

    private static boolean isExifHeader(byte[] b, int from, int end) {
        return end - from >= 6 && b[from] == 'E' && b[from + 1] == 'x' && b[from + 2] == 'i' && b[from + 3] == 'f'
                && b[from + 4] == 0 && b[from + 5] == 0;
    }

    /** Look up the orientation entry in IFD0 of the TIFF structure occupying {@code b[tiff, end)}. */
    private static int orientationFromTiff(byte[] b, int tiff, int end) {
        if (end - tiff < 8) {
            return 1;
        }
        boolean little;
        if (b[tiff] == 'I' && b[tiff + 1] == 'I') {
            little = true;
        } else if (b[tiff] == 'M' && b[tiff + 1] == 'M') {
            little = false;
        } else {
            return 1;
        }
        if (u16(b, tiff + 2, little) != 42) {
            return 1;
        }
        long ifd = u32(b, tiff + 4, little);
        if (ifd < 8 || tiff + ifd + 2 > end) {
            return 1;
        }
        int entries = u16(b, tiff + (int) ifd, little);
        int entry = tiff + (int) ifd + 2;
        for (int i = 0; i < entries && entry + 12 <= end; i++, entry += 12) {
            if (u16(b, entry, little) == TAG_ORIENTATION) {
                if (u16(b, entry + 2, little) != TYPE_SHORT || u32(b, entry + 4, little) < 1) {
                    return 1;
                }
                int value = u16(b, entry + 8, little); // a single SHORT sits left-justified in the value field
                return value >= 1 && value <= 8 ? value : 1;
            }
        }
        return 1;
    }

    private static int u16(byte[] b, int at, boolean little) {
        int b0 = b[at] & 0xFF;
        int b1 = b[at + 1] & 0xFF;
        return little ? b0 | (b1 << 8) : (b0 << 8) | b1;
    }

    private static long u32(byte[] b, int at, boolean little) {
        long hi = u16(b, at + (little ? 2 : 0), little);
        long lo = u16(b, at + (little ? 0 : 2), little);
        return (hi << 16) | lo;
    }
}
