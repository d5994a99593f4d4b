package dev.llava4j.llava.demo;

/**
 * A question about a scene with both answer forms.
 *
 * @param shortAnswer    the single word or phrase, capitalised ("Red", "2", "Top left", "Yes")
 * @param sentenceAnswer the full-sentence answer ("The circle is red.")
 */
public record Question(QuestionKind kind, String text, String shortAnswer, String sentenceAnswer) {
}
