package dev.llava4j.llava.demo;

import dev.llava4j.llava.data.LlavaPreprocessor;
import dev.llava4j.llava.data.LlavaRecord;
import dev.llava4j.llava.train.Permutations;
import dev.llava4j.tensor.Generator;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Builds the LLaVA-format training records of one scene. */
final class TrainingRecords {

    private static final String IMAGE_FIRST = LlavaPreprocessor.IMAGE_TOKEN + "\n";

    private TrainingRecords() {
    }

    /** Stage 1: an instruction and the caption. */
    static LlavaRecord caption(String id, String image, Scene scene, Generator random) {
        String instruction = pick(ShapeWorld.CAPTION_INSTRUCTIONS, random);
        return record(id + "-caption", image, List.of(IMAGE_FIRST + instruction, SceneLanguage.caption(scene)));
    }

    /** Stage 2: short-answer VQA, full-sentence QA, multi-turn description and yes/no existence. */
    static List<LlavaRecord> instructionRecords(String id, String image, Scene scene, Generator random) {
        List<LlavaRecord> out = new ArrayList<>();

        List<List<Question>> vqa = withoutGiveaways(vqaQuestions(scene, random));
        for (int i = 0; i < vqa.size(); i++) {
            out.add(record(id + "-vqa" + (i == 0 ? "" : Integer.toString(i + 1)), image,
                    withImage(shortAnswers(vqa.get(i)))));
        }

        List<String> sentences = new ArrayList<>();
        for (Question q : distinctQuestions(scene, 2 + random.nextInt(2), random)) {
            sentences.add(q.text());
            sentences.add(q.sentenceAnswer());
        }
        out.add(record(id + "-sentence", image, withImage(sentences)));

        // a position question comes first: after the detailed description its answer could be copied from the text
        List<String> detail = new ArrayList<>();
        List<Question> where = SceneLanguage.questions(scene, QuestionKind.POSITION);
        if (!where.isEmpty() && random.nextInt(2) == 0) {
            Question q = pick(where, random);
            detail.add(q.text());
            detail.add(q.sentenceAnswer());
        }
        detail.addAll(List.of("What objects are in the image?", SceneLanguage.objectList(scene),
                "Describe the image in detail.", SceneLanguage.detailedDescription(scene)));
        out.add(record(id + "-detail", image, withImage(detail)));

        out.add(record(id + "-pope", image, withImage(shortAnswers(existenceQuestions(scene, random)))));
        return out;
    }

    /**
     * The short-answer conversations of one scene without an image: the VQA records', then the yes/no record's
     * (the random draws differ from {@link #instructionRecords}, which draws its other records in between).
     */
    static List<List<String>> shortAnswerConversations(Scene scene, Generator random) {
        List<List<String>> out = new ArrayList<>();
        for (List<Question> conversation : withoutGiveaways(vqaQuestions(scene, random))) {
            out.add(shortAnswers(conversation));
        }
        out.add(shortAnswers(existenceQuestions(scene, random)));
        return out;
    }

    /**
     * The questions, in order, spread over as few conversations as possible such that no conversation has two
     * questions stating the same object's colour and shape ({@link Question#pairing}). Asked "What shape is the
     * blue object?" (Square) earlier in the same conversation, "What color is the square?" can be answered by
     * copying from the text, and a model trained on such pairs learns to copy instead of looking at the image.
     */
    static List<List<Question>> withoutGiveaways(List<Question> questions) {
        List<List<Question>> conversations = new ArrayList<>();
        for (Question q : questions) {
            List<Question> home = null;
            for (List<Question> c : conversations) {
                if (q.pairing() == null || c.stream().noneMatch(x -> q.pairing().equals(x.pairing()))) {
                    home = c;
                    break;
                }
            }
            if (home == null) {
                home = new ArrayList<>();
                conversations.add(home);
            }
            home.add(q);
        }
        return conversations;
    }

    /** One present and one absent object, in random order (POPE-style). */
    private static List<Question> existenceQuestions(Scene scene, Generator random) {
        Question yes = Existence.positive(scene, random);
        Question no = Existence.negative(scene, random).question();
        return random.nextInt(2) == 0 ? List.of(yes, no) : List.of(no, yes);
    }

    /** Alternating questions (with the response-format prompt) and short answers. */
    private static List<String> shortAnswers(List<Question> questions) {
        List<String> turns = new ArrayList<>();
        for (Question q : questions) {
            turns.add(ShapeWorld.shortAnswerPrompt(q.text()));
            turns.add(q.shortAnswer());
        }
        return turns;
    }

    /** A text-only question about the world (no image). */
    static LlavaRecord textOnly(String id, Generator random) {
        String[] qa = pick(ShapeWorld.TEXT_ONLY, random);
        return record(id, null, List.of(qa[0], qa[1]));
    }

    /**
     * The short-answer VQA turns of one image: every colour and shape question the scene has plus one or two
     * count or position questions, in random order. LLaVA-1.5's VQA data likewise asks all questions of an
     * image in one multi-turn conversation, and the lookup the answers need (which cell holds the circle?)
     * gets more examples per step.
     */
    static List<Question> vqaQuestions(Scene scene, Generator random) {
        List<Question> out = new ArrayList<>(SceneLanguage.questions(scene, QuestionKind.COLOR));
        out.addAll(SceneLanguage.questions(scene, QuestionKind.SHAPE));
        List<Question> others = new ArrayList<>(SceneLanguage.questions(scene, QuestionKind.COUNT));
        others.addAll(SceneLanguage.questions(scene, QuestionKind.POSITION));
        for (int i = 1 + random.nextInt(2); i > 0 && !others.isEmpty(); i--) {
            out.add(others.remove(random.nextInt(others.size())));
        }
        List<Question> shuffled = new ArrayList<>(out.size());
        for (int i : Permutations.random(out.size(), random)) {
            shuffled.add(out.get(i));
        }
        return shuffled;
    }

    /**
     * Up to {@code n} different questions: a random kind among those with a question for this scene, then a
     * random question of that kind (so rare kinds are not drowned by counting questions), skipping any that would
     * state an object's colour and shape a second time (see {@link #withoutGiveaways}).
     */
    static List<Question> distinctQuestions(Scene scene, int n, Generator random) {
        List<List<Question>> byKind = new ArrayList<>();
        for (QuestionKind kind : SceneLanguage.OPEN_KINDS) {
            List<Question> qs = new ArrayList<>(SceneLanguage.questions(scene, kind));
            if (!qs.isEmpty()) {
                byKind.add(qs);
            }
        }
        List<Question> out = new ArrayList<>();
        Set<String> stated = new HashSet<>();
        while (out.size() < n && !byKind.isEmpty()) {
            int k = random.nextInt(byKind.size());
            List<Question> qs = byKind.get(k);
            Question q = qs.remove(random.nextInt(qs.size()));
            if (q.pairing() == null || stated.add(q.pairing())) {
                out.add(q);
            }
            if (qs.isEmpty()) {
                byKind.remove(k);
            }
        }
        return out;
    }

    /** Puts the image token in front of the first human turn. */
    private static List<String> withImage(List<String> turns) {
        List<String> out = new ArrayList<>(turns);
        out.set(0, IMAGE_FIRST + out.getFirst());
        return out;
    }

    /** Alternating human / gpt values into a record. */
    private static LlavaRecord record(String id, String image, List<String> turns) {
        List<LlavaRecord.Message> messages = new ArrayList<>();
        for (int t = 0; t < turns.size(); t++) {
            messages.add(new LlavaRecord.Message(t % 2 == 0 ? LlavaRecord.HUMAN : LlavaRecord.GPT, turns.get(t)));
        }
        return new LlavaRecord(id, image, messages);
    }

    static <T> T pick(List<T> items, Generator random) {
        return items.get(random.nextInt(items.size()));
    }
}
