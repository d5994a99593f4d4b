package dev.llava4j.llava.demo;

import dev.llava4j.tensor.Generator;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The held-out questions of one evaluation image. */
final class EvalQuestions {

    private EvalQuestions() {
    }

    /**
     * One question of every kind the scene allows, each asked twice (with the short-answer prompt expecting the
     * short answer, and bare expecting the sentence), plus one positive and one negative existence question
     * with the short-answer prompt.
     */
    static List<EvalItem> forScene(String id, String image, Scene scene, Generator random) {
        List<EvalItem> out = new ArrayList<>();
        for (QuestionKind kind : SceneLanguage.OPEN_KINDS) {
            List<Question> candidates = SceneLanguage.questions(scene, kind);
            if (candidates.isEmpty()) {
                continue;
            }
            Question q = TrainingRecords.pick(candidates, random);
            String base = id + "-" + kind.label();
            out.add(new EvalItem(base + "-" + EvalItem.SHORT, image, kind, EvalItem.SHORT, q.text(),
                    ShapeWorld.shortAnswerPrompt(q.text()), q.shortAnswer(), q.shortAnswer(), null, null));
            out.add(new EvalItem(base + "-" + EvalItem.FREE, image, kind, EvalItem.FREE, q.text(), q.text(),
                    q.sentenceAnswer(), q.shortAnswer(), null, null));
        }
        Question yes = Existence.positive(scene, random);
        Existence.Negative no = Existence.negative(scene, random);
        out.add(pope(id + "-existence-yes", image, yes, null));
        out.add(pope(id + "-existence-no", image, no.question(), no.category()));
        return out;
    }

    private static EvalItem pope(String id, String image, Question q, String category) {
        return new EvalItem(id, image, QuestionKind.EXISTENCE, EvalItem.SHORT, q.text(),
                ShapeWorld.shortAnswerPrompt(q.text()), q.shortAnswer(), q.shortAnswer(),
                q.shortAnswer().toLowerCase(Locale.ROOT), category);
    }
}
