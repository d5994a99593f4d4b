package dev.llava4j.llava.demo;

/** The 3x3 grid an image is divided into; every object sits in its own cell. Declared in reading order. */
public enum GridCell {
    TOP_LEFT(0, 0, "top left", "in the top left corner"),
    TOP(0, 1, "top", "at the top"),
    TOP_RIGHT(0, 2, "top right", "in the top right corner"),
    LEFT(1, 0, "left", "on the left"),
    CENTER(1, 1, "center", "in the center"),
    RIGHT(1, 2, "right", "on the right"),
    BOTTOM_LEFT(2, 0, "bottom left", "in the bottom left corner"),
    BOTTOM(2, 1, "bottom", "at the bottom"),
    BOTTOM_RIGHT(2, 2, "bottom right", "in the bottom right corner");

    private final int row;
    private final int column;
    private final String name;
    private final String phrase;

    GridCell(int row, int column, String name, String phrase) {
        this.row = row;
        this.column = column;
        this.name = name;
        this.phrase = phrase;
    }

    public int row() {
        return row;
    }

    public int column() {
        return column;
    }

    /** "top left": the short answer to "Where is ...?" (capitalised there). */
    public String label() {
        return name;
    }

    /** "in the top left corner": the position inside a sentence. */
    public String phrase() {
        return phrase;
    }

    public static GridCell fromLabel(String label) {
        for (GridCell c : values()) {
            if (c.name.equals(label)) {
                return c;
            }
        }
        throw new IllegalArgumentException("unknown grid cell '" + label + "'");
    }
}
