package dev.llava4j.llava.eval.run;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llava4j.llava.LlavaModel;
import dev.llava4j.llava.data.ChatTemplate;
import dev.llava4j.llava.eval.io.Json;
import dev.llava4j.llava.eval.py.PyStrings;
import dev.llava4j.llava.generate.GenerationOptions;
import dev.llava4j.llava.generate.TokenListener;
import dev.llava4j.llava.generate.TextGenerator;
import dev.llava4j.llava.image.ImageLoader;
import dev.llava4j.llava.image.RgbImage;
import dev.llava4j.tensor.GradMode;
import dev.llava4j.tensor.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * End to end on a tiny random LLaVA (fixtures/llava-train-model: the llava-train fixture with the 32064-token
 * vocabulary plus the LLaMA tokenizer): LLaVA's question jsonl in, answer jsonl out, resumed after --limit,
 * batched answers equal to one-by-one answers (greedy), and each answer equal to generating from the vicuna_v1
 * prompt directly.
 */
class EvalRunnerModelTest {

    private static final String SHORT = "Answer the question using a single word or phrase.";

    private static LlavaModel model;
    private static Path fixtures;

    @TempDir
    Path tmp;

    @BeforeAll
    static void load() throws IOException, URISyntaxException {
        fixtures = Path.of(EvalRunnerModelTest.class.getResource("/fixtures").toURI());
        model = LlavaModel.load(assembleModelFolder());
    }

    /**
     * A checkpoint folder named llava-train-model: the llava-train fixture's model files plus the LLaMA tokenizer
     * files (llava-hf style, {@code <image>} = 32000), linked into a temporary folder.
     */
    private static Path assembleModelFolder() throws IOException {
        Path dir = java.nio.file.Files.createTempDirectory("eval-run").resolve("llava-train-model");
        java.nio.file.Files.createDirectories(dir);
        for (String f : new String[]{"config.json", "model.safetensors", "preprocessor_config.json", "generation_config.json"}) {
            java.nio.file.Files.createSymbolicLink(dir.resolve(f), fixtures.resolve("llava-train").resolve(f));
        }
        for (String f : new String[]{"tokenizer.model", "tokenizer_config.json", "special_tokens_map.json", "added_tokens.json"}) {
            java.nio.file.Files.createSymbolicLink(dir.resolve(f), fixtures.resolve("tokenizer").resolve(f));
        }
        return dir;
    }

    @AfterAll
    static void close() {
        model.close();
    }

    private static List<EvalQuestion> questions() {
        BenchmarkSpec pope = BenchmarkSpec.named("pope");
        return pope.source().read(fixtures.resolve("eval-run/questions.jsonl"), fixtures.resolve("llava-data/images"), pope);
    }

    private static Map<String, JsonNode> byId(Path answers) throws IOException {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        for (String line : Files.readAllLines(answers)) {
            JsonNode n = Json.MAPPER.readTree(line);
            out.put(n.get("question_id").toString(), n);
        }
        return out;
    }

    private static EvalRunner.Summary run(Path answers, int limit, int batch) {
        EvalRunner r = new EvalRunner(new EvalRunner.Settings(limit, batch, "llava-train-model"), ProgressListener.NONE);
        return r.run(r.plan(questions(), answers), new LlavaAnswerer(model, 128));
    }

    @Test
    void batchedRunWithLimitThenResumeMatchesUnbatchedRun() throws IOException {
        Path batched = tmp.resolve("batched.jsonl");
        assertEquals(new EvalRunner.Summary(batched, 3, 0, 3), run(batched, 3, 2));
        String firstPart = Files.readString(batched);
        assertEquals(new EvalRunner.Summary(batched, 4, 3, 1), run(batched, 0, 2));
        assertTrue(Files.readString(batched).startsWith(firstPart), "resuming must only append");

        Path single = tmp.resolve("single.jsonl");
        assertEquals(new EvalRunner.Summary(single, 4, 0, 4), run(single, 0, 1));

        Map<String, JsonNode> b = byId(batched);
        Map<String, JsonNode> s = byId(single);
        assertEquals(List.of("101", "102", "\"q-103\"", "104"), new ArrayList<>(b.keySet()));
        assertEquals(b.keySet(), s.keySet());
        for (String id : b.keySet()) {
            JsonNode line = b.get(id);
            assertEquals(List.of("question_id", "prompt", "text", "answer_id", "model_id", "metadata"),
                    toList(line.fieldNames()), id);
            assertEquals("llava-train-model", line.get("model_id").textValue());
            assertEquals(22, line.get("answer_id").textValue().length());
            assertTrue(line.get("prompt").textValue().endsWith("\n" + SHORT), id);
            assertFalse(line.get("text").textValue().isEmpty(), id);
            assertEquals(s.get(id).get("text").textValue(), line.get("text").textValue(), "batched vs single, question " + id);
            assertEquals(s.get(id).get("prompt").textValue(), line.get("prompt").textValue());
        }
        assertEquals("What color is the shape?\n" + SHORT, b.get("102").get("prompt").textValue());
        assertTrue(b.get("\"q-103\"").get("question_id").isTextual());
        assertTrue(b.get("101").get("question_id").isInt());
        assertFalse(b.get("101").get("answer_id").equals(s.get("101").get("answer_id")), "answer ids are random");
    }

    @Test
    void answersAreWhatTheModelGeneratesFromTheVicunaPrompt() throws IOException {
        Path answers = tmp.resolve("answers.jsonl");
        run(answers, 0, 4);
        Map<String, JsonNode> b = byId(answers);
        Path images = fixtures.resolve("llava-data/images");

        String withImage = ChatTemplate.VICUNA_V1.inferencePrompt("What shape is in the image?\n" + SHORT, true);
        assertTrue(withImage.endsWith("USER: <image>\nWhat shape is in the image?\n" + SHORT + " ASSISTANT:"), withImage);
        assertEquals(reference(withImage, ImageLoader.load(images.resolve("red_circle.png"))), b.get("101").get("text").textValue());

        String textOnly = ChatTemplate.VICUNA_V1.inferencePrompt("Is the sky blue?\n" + SHORT, false);
        assertEquals(reference(textOnly, null), b.get("\"q-103\"").get("text").textValue());
    }

    @Test
    void idsPastTheTokenizerAreDropped() {
        // the random fixture has 32064 embedding rows for a 32002-token tokenizer
        assertEquals(32002, model.tokenizer().vocabSize());
        assertArrayEquals(new int[]{1, 450, 32001}, LlavaAnswerer.knownIds(model.tokenizer(), new int[]{1, 32049, 450, 32002, 32001}));
    }

    /** One prompt decoded alone, greedy, 128 tokens, then decoded like the runner (ids past the tokenizer left out). */
    private static String reference(String prompt, RgbImage image) {
        try (GradMode.Guard g = GradMode.noGrad()) {
            Tensor features = image == null ? null : model.imageFeatures(List.of(image));
            int[] ids = new TextGenerator(model.module(), null).generate(new long[][]{model.tokenize(prompt)}, features,
                    GenerationOptions.greedy(128), TokenListener.NONE).getFirst().ids();
            assertTrue(ids.length > 0);
            return PyStrings.strip(model.tokenizer().decode(LlavaAnswerer.knownIds(model.tokenizer(), ids), true));
        }
    }

    private static <T> List<T> toList(java.util.Iterator<T> it) {
        List<T> out = new ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }
}
