package dev.llava4j.llava.eval;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** One case per rule of the EvalAI answer processor (m4c_evaluator.py), plus the README examples. */
class VqaNormalizerTest {

    private static String n(String s) {
        return VqaNormalizer.normalize(s);
    }

    @Test
    void lowerCasesAndDeletesCommasAndQuestionMarks() {
        assertEquals("what", n("What?"));
        assertEquals("1000", n("1,000"));
        assertEquals("hello world", n("Hello, World!"));
    }

    @Test
    void splitsPossessiveS() {
        assertEquals("dog 's", n("dog's"));
        assertEquals("mcdonald 's", n("McDonald's"));
        assertEquals("he 's", n("he's"));
    }

    @Test
    void newlinesAndTabsBecomeSpaces() {
        assertEquals("red white", n("red\nwhite"));
        assertEquals("tab here", n("tab\there"));
        assertEquals("blue", n("  Blue  "));
    }

    @Test
    void punctuationNextToASpaceIsDeletedEverywhere() {
        // "- " occurs in the input, so every '-' is deleted, also the one inside "t-shirt"
        assertEquals("red tshirt", n("red - t-shirt"));
        assertEquals("x y", n("x / y"));
    }

    @Test
    void punctuationWithoutAdjacentSpaceBecomesASpace() {
        assertEquals("t shirt", n("t-shirt"));
        assertEquals("x y", n("x/y"));
        assertEquals("coca cola", n("Coca-Cola"));
    }

    @Test
    void eachMarkIsDecidedOnTheStepInputNotOnTheWorkingText() {
        // "(" is adjacent to a space in the input → deleted; ")" is not → replaced by a space.
        assertEquals("x y", n("x (y)"));
        assertEquals("", n("(A)")); // "(A)" → " a " → article "a" dropped
        assertEquals("b", n("a/b"));
    }

    @Test
    void periodsAreDeletedUnlessFollowedByADigit() {
        assertEquals("usa", n("U.S.A."));
        assertEquals("3.5", n("3.5"));
        assertEquals(".5", n(".5"));
        assertEquals("3:30", n("3:30."));
        assertEquals("wwwgooglecom", n("WWW.GOOGLE.COM"));
    }

    @Test
    void atMost32PeriodsAreDeleted() {
        assertEquals("........ok", n(".".repeat(40) + "ok"));
        assertEquals("ok", n(".".repeat(32) + "ok"));
        assertEquals(".ok", n(".".repeat(33) + "ok"));
    }

    @ParameterizedTest
    @CsvSource({"none,0", "zero,0", "one,1", "two,2", "three,3", "four,4", "five,5", "six,6", "seven,7",
            "eight,8", "nine,9", "ten,10", "twelve,twelve", "None,0"})
    void numberWordsBecomeDigits(String word, String digits) {
        assertEquals(digits, n(word));
    }

    @Test
    void articlesAreDropped() {
        assertEquals("dog", n("The dog"));
        assertEquals("apple", n("an apple"));
        assertEquals("", n("the the"));
        assertEquals("answer is yes", n("The answer is yes"));
    }

    @Test
    void contractionsAreRestored() {
        assertEquals("don't", n("dont"));
        assertEquals("won't", n("wont"));
        assertEquals("'twas", n("twas"));
        assertEquals("y'all'll", n("yall'll"));
        // the table's reversed entry, kept for fidelity
        assertEquals("somebodyd", n("somebody'd"));
    }

    @Test
    void capitalisedContractionKeysNeverFire() {
        assertEquals("im", n("Im"));
        assertEquals("ive", n("Ive"));
        assertEquals(120, VqaNormalizer.CONTRACTIONS.size());
    }

    @Test
    void splitsOnPythonWhitespaceIncludingNoBreakSpace() {
        assertEquals("a1 b", n("a1\u00a0b"));
        assertEquals("x y", n("x\u2003y"));
    }

    @Test
    void keepsNonAsciiLetters() {
        assertEquals("café", n("Café"));
        assertEquals("über", n("ÜBER"));
        assertEquals("25 %", n("25 %"));
        assertEquals("", n(""));
    }
}
