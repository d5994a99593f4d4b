package dev.llava4j.llava.data;

/**
 * LLaVA-1.5's response-format prompts (LLAVA_SPEC 4.5), appended after the question on a new line.
 */
public final class ResponseFormat {

    /** VQAv2, GQA, TextVQA, POPE, MME and VQA-style training data. */
    public static final String SHORT_ANSWER = "Answer the question using a single word or phrase.";
    /** ScienceQA, MMBench, SEED-Bench and A-OKVQA training data. */
    public static final String MULTIPLE_CHOICE = "Answer with the option's letter from the given choices directly.";
    /** MMBench-CN. */
    public static final String MULTIPLE_CHOICE_CN = "请直接回答选项字母。";
    /** VizWiz: the unanswerable instruction, a newline, then the short-answer instruction. */
    public static final String VIZWIZ = "When the provided information is insufficient, respond with 'Unanswerable'."
            + "\n" + SHORT_ANSWER;

    private ResponseFormat() {
    }

    /** {@code question + "\n" + suffix}. */
    public static String append(String question, String suffix) {
        return question + "\n" + suffix;
    }
}
