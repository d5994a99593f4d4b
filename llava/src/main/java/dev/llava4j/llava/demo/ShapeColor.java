package dev.llava4j.llava.demo;

/** The colours of the demo world: far apart in RGB and from the light background, so pixels identify them. */
public enum ShapeColor {
    RED("red", 220, 40, 40),
    GREEN("green", 30, 160, 60),
    BLUE("blue", 40, 90, 220),
    YELLOW("yellow", 240, 200, 30),
    PURPLE("purple", 140, 60, 180);

    private final String word;
    private final int red;
    private final int green;
    private final int blue;

    ShapeColor(String word, int red, int green, int blue) {
        this.word = word;
        this.red = red;
        this.green = green;
        this.blue = blue;
    }

    public String word() {
        return word;
    }

    /** 0xRRGGBB. */
    public int rgb() {
        return red << 16 | green << 8 | blue;
    }

    /** The colour named {@code word} (lower case). */
    public static ShapeColor fromWord(String word) {
        for (ShapeColor c : values()) {
            if (c.word.equals(word)) {
                return c;
            }
        }
        throw new IllegalArgumentException("unknown colour '" + word + "'");
    }

    /** The palette colour closest to a pixel (squared RGB distance). */
    public static ShapeColor nearest(int rgb) {
        ShapeColor best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (ShapeColor c : values()) {
            int dr = (rgb >> 16 & 0xFF) - c.red;
            int dg = (rgb >> 8 & 0xFF) - c.green;
            int db = (rgb & 0xFF) - c.blue;
            int d = dr * dr + dg * dg + db * db;
            if (d < bestDistance) {
                bestDistance = d;
                best = c;
            }
        }
        return best;
    }
}
