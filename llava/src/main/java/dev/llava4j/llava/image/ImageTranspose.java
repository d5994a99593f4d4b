package dev.llava4j.llava.image;

/**
 * Pillow's {@code Image.transpose} methods: flips and quarter turns. Rotations are counter-clockwise, as in
 * Pillow ({@code ROTATE_90} turns the top-right corner into the top-left one).
 */
public enum ImageTranspose {
    FLIP_LEFT_RIGHT, FLIP_TOP_BOTTOM, ROTATE_90, ROTATE_180, ROTATE_270, TRANSPOSE, TRANSVERSE;

    /** The transposed copy of {@code image}. */
    public RgbImage apply(RgbImage image) {
        int w = image.width();
        int h = image.height();
        boolean swapsAxes = this == ROTATE_90 || this == ROTATE_270 || this == TRANSPOSE || this == TRANSVERSE;
        int outW = swapsAxes ? h : w;
        int outH = swapsAxes ? w : h;
        byte[] in = image.rgb();
        byte[] out = new byte[in.length];
        for (int y = 0; y < outH; y++) {
            for (int x = 0; x < outW; x++) {
                int sx;
                int sy;
                switch (this) {
                    case FLIP_LEFT_RIGHT -> { sx = w - 1 - x; sy = y; }
                    case FLIP_TOP_BOTTOM -> { sx = x; sy = h - 1 - y; }
                    case ROTATE_90 -> { sx = w - 1 - y; sy = x; }
                    case ROTATE_180 -> { sx = w - 1 - x; sy = h - 1 - y; }
                    case ROTATE_270 -> { sx = y; sy = h - 1 - x; }
                    case TRANSPOSE -> { sx = y; sy = x; }
                    case TRANSVERSE -> { sx = w - 1 - y; sy = h - 1 - x; }
                    default -> throw new AssertionError(this);
                }
                System.arraycopy(in, (sy * w + sx) * 3, out, (y * outW + x) * 3, 3);
            }
        }
        return new RgbImage(outW, outH, out);
    }
}
