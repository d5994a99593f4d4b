package dev.llava4j.llava.demo;

import java.util.Locale;

/** The kinds of questions the demo asks about a scene. */
public enum QuestionKind {
    /** "What color is the circle?" (asked only when there is exactly one circle). */
    COLOR,
    /** "What shape is the red object?" (exactly one red object). */
    SHAPE,
    /** "How many squares are there?" (0-3). */
    COUNT,
    /** "Where is the red circle?" (exactly one red circle). */
    POSITION,
    /** POPE-style "Is there a green triangle in the image?" (yes/no). */
    EXISTENCE;

    /** The lower-case name used in eval.jsonl. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
