package dev.llava4j.llava.eval.run;

import dev.llava4j.llava.eval.EvalInputException;
import dev.llava4j.llava.image.RgbImage;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Answers a benchmark's questions into a LLaVA answer file, resumably: {@link #plan} selects the questions
 * (the first {@code limit} of the file), drops those the answer file already answers and checks that the
 * remaining images exist; {@link #run} answers them in batches in file order, appending and flushing each line.
 * The plan comes first so a caller can skip loading the model when nothing is left to do.
 */
public final class EvalRunner {

    /**
     * @param limit     answer only the first {@code limit} questions of the file (0 = all); with resuming this
     *                  makes "--limit 100" then "--limit 200" continue where the first run stopped
     * @param batchSize questions decoded together
     * @param modelId   the answer lines' model_id
     */
    public record Settings(int limit, int batchSize, String modelId) {
        public Settings {
            if (limit < 0) {
                throw new IllegalArgumentException("limit must be >= 0 (0 = all), got " + limit);
            }
            if (batchSize <= 0) {
                throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
            }
        }
    }

    /**
     * @param selected        the questions this run covers
     * @param pending         those still to answer, in file order
     * @param alreadyAnswered selected questions the answer file already answers
     * @param warnings        about the existing answer file
     */
    public record Plan(Path answers, List<EvalQuestion> selected, List<EvalQuestion> pending, int alreadyAnswered,
                       List<String> warnings) {
    }

    /** What a run did. */
    public record Summary(Path answers, int selected, int alreadyAnswered, int answered) {
    }

    private static final int MISSING_SHOWN = 5;

    private final Settings settings;
    private final ProgressListener progress;
    private final Supplier<String> answerIds;

    public EvalRunner(Settings settings, ProgressListener progress, Supplier<String> answerIds) {
        this.settings = settings;
        this.progress = progress;
        this.answerIds = answerIds;
    }

    public EvalRunner(Settings settings, ProgressListener progress) {
        this(settings, progress, AnswerIds::random);
    }

    /** Selects, resumes and checks; repairs an unfinished last line of the answer file. */
    public Plan plan(List<EvalQuestion> questions, Path answers) {
        List<EvalQuestion> selected = settings.limit() == 0 || settings.limit() >= questions.size()
                ? questions : questions.subList(0, settings.limit());
        ResumeState resume = ResumeState.prepare(answers, settings.modelId());
        List<EvalQuestion> pending = new ArrayList<>();
        for (EvalQuestion q : selected) {
            if (!resume.isAnswered(q)) {
                pending.add(q);
            }
        }
        requireImages(pending);
        return new Plan(answers, List.copyOf(selected), List.copyOf(pending), selected.size() - pending.size(),
                resume.warnings());
    }

    /** Answers the plan's pending questions with {@code answerer}. */
    public Summary run(Plan plan, Answerer answerer) {
        List<EvalQuestion> pending = plan.pending();
        int answered = 0;
        progress.start(plan.selected().size(), plan.alreadyAnswered());
        try (AnswerWriter writer = AnswerWriter.append(plan.answers())) {
            for (int from = 0; from < pending.size(); from += settings.batchSize()) {
                List<EvalQuestion> batch = pending.subList(from, Math.min(pending.size(), from + settings.batchSize()));
                List<String> texts = answerer.answer(batch, images(batch));
                if (texts.size() != batch.size()) {
                    throw new IllegalStateException("the answerer returned " + texts.size() + " answers for "
                            + batch.size() + " questions");
                }
                for (int i = 0; i < batch.size(); i++) {
                    writer.write(batch.get(i), texts.get(i), answerIds.get(), settings.modelId());
                }
                answered += batch.size();
                progress.advance(batch.size());
            }
        } finally {
            progress.finish();
        }
        return new Summary(plan.answers(), plan.selected().size(), plan.alreadyAnswered(), answered);
    }

    private static List<RgbImage> images(List<EvalQuestion> batch) {
        List<RgbImage> images = new ArrayList<>(batch.size());
        for (EvalQuestion q : batch) {
            images.add(q.hasImage() ? q.image().load() : null);
        }
        return images;
    }

    /** Fails before any answering when images are missing, listing the first few. */
    private static void requireImages(List<EvalQuestion> pending) {
        List<String> missing = new ArrayList<>();
        int count = 0;
        for (EvalQuestion q : pending) {
            if (q.hasImage() && !q.image().looksAvailable()) {
                count++;
                if (missing.size() < MISSING_SHOWN) {
                    missing.add(q.image().describe() + " (" + q.where() + ")");
                }
            }
        }
        if (count > 0) {
            throw new EvalInputException(count + " question image(s) not found, e.g. " + String.join(", ", missing)
                    + "; check --image-folder");
        }
    }
}
