package dev.llava4j.llava.demo;

/** The shapes of the demo world, with the words the generated text uses for them. */
public enum Shape {
    CIRCLE("circle", "circles"),
    SQUARE("square", "squares"),
    TRIANGLE("triangle", "triangles"),
    STAR("star", "stars");

    private final String word;
    private final String plural;

    Shape(String word, String plural) {
        this.word = word;
        this.plural = plural;
    }

    public String word() {
        return word;
    }

    public String plural() {
        return plural;
    }

    /** The shape named {@code word} (singular, lower case). */
    public static Shape fromWord(String word) {
        for (Shape s : values()) {
            if (s.word.equals(word)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown shape '" + word + "'");
    }
}
