package dev.llava4j.llava.demo;

/**
 * A question about a scene with both answer forms.
 *
 * @param shortAnswer    the single word or phrase, capitalised ("Red", "2", "Top left", "Yes")
 * @param sentenceAnswer the full-sentence answer ("The circle is red.")
 * @param pairing        the colour and shape that the question and its answer state together about an object in the
 *                       scene ("red circle": "What color is the circle?" answered "Red"), or null (counting, an
 *                       absent object); a later question about the same object could be answered from the text
 */
public record Question(QuestionKind kind, String text, String shortAnswer, String sentenceAnswer, String pairing) {
}
