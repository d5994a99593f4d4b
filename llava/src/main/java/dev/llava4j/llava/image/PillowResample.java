package dev.llava4j.llava.image;

/**
 * Pillow's resampling filter numbers ({@code PIL.Image.Resampling}), as stored in the {@code resample} field of
 * a Hugging Face {@code preprocessor_config.json}.
 */
public enum PillowResample {
    NEAREST(0), LANCZOS(1), BILINEAR(2), BICUBIC(3), BOX(4), HAMMING(5);

    private final int code;

    PillowResample(int code) {
        this.code = code;
    }

    /** The integer Pillow uses for this filter. */
    public int code() {
        return code;
    }

    /** The filter with Pillow number {@code code}; an unknown number is an error that names it. */
    public static PillowResample fromCode(int code) {
        for (PillowResample r : values()) {
            if (r.code == code) {
                return r;
            }
        }
        throw new IllegalArgumentException("unknown Pillow resample filter number " + code + " (expected 0..5)");
    }
}
