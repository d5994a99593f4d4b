package dev.llava4j.llava.eval.run;

import dev.llava4j.llava.image.RgbImage;

import java.util.List;

/** Produces the answer texts of one batch of questions (a model, or a stand-in in tests). */
@FunctionalInterface
public interface Answerer {

    /**
     * @param questions the batch, in order
     * @param images    the decoded image of each question, null for a text-only one
     * @return one answer text per question, in the same order
     */
    List<String> answer(List<EvalQuestion> questions, List<RgbImage> images);
}
