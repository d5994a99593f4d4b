package dev.llava4j.llava.eval.score;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** One case per extraction rule of OpenCompass can_infer. */
class MmBenchChoiceExtractorTest {

    private static final Map<String, String> OPTIONS = new LinkedHashMap<>(Map.of(
            "A", "happy", "B", "sad", "C", "angry", "D", "calm"));

    private static String infer(String prediction) {
        return MmBenchChoiceExtractor.infer(prediction, OPTIONS);
    }

    @Test
    void exactlyOneBareLetterToken() {
        assertEquals("B", infer("B"));
        assertEquals("E", infer("E"));           // E counts although there are only four options
        assertEquals("C", infer("选 C"));
        assertEquals("D", infer("  D\n"));
        assertNull(MmBenchChoiceExtractor.inferLetter("A or B"));   // two bare letters: rule 1 fails
    }

    @Test
    void aIsAQuantifierInLongAnswers() {
        // "A" with more than 3 tokens skips the bare-letter rule; the text rule then finds "happy"
        assertNull(MmBenchChoiceExtractor.inferLetter("A happy dog is shown"));
        assertEquals("A", infer("A happy dog is shown"));
        assertEquals("A", MmBenchChoiceExtractor.inferLetter("A dog shown"));   // 3 tokens: still a letter
    }

    @Test
    void decoratedLettersInOrderOfTheForms() {
        assertEquals("B", infer("B."));
        assertEquals("C", infer("(C)"));
        assertEquals("D", infer("The answer is D."));
        assertNull(infer("answer:A"));               // ":A" counts only as a whole token
        assertEquals("B", infer("Answer :B"));
        assertEquals("C", infer("C, because"));
        assertEquals("A", infer("A). Indeed"));
        assertNull(MmBenchChoiceExtractor.inferLetter("B. C."));    // two letters with '.': ambiguous
    }

    @Test
    void optionTextWhenNoLetterIsFound() {
        assertEquals("D", infer("It looks calm"));
        assertEquals("A", infer("HAPPY"));
        assertNull(infer("happy or sad"));            // two options match
        assertNull(infer("I cannot tell"));
        assertNull(infer("答案是D"));                   // no token, no option text
        assertNull(infer("nan"));
    }

    @Test
    void apiFailureMarkerBlocksTheLetterRule() {
        assertNull(MmBenchChoiceExtractor.inferLetter("Failed to obtain answer via API B"));
    }
}
