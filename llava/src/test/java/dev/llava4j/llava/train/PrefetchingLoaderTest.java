package dev.llava4j.llava.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.llava4j.llava.data.ChatTemplate;
import dev.llava4j.llava.data.LlavaPreprocessor;
import dev.llava4j.llava.data.LlavaRecord;
import dev.llava4j.llava.image.ClipImageProcessor;
import dev.llava4j.llava.image.ClipProcessorConfig;
import dev.llava4j.llava.image.LlavaImagePipeline;
import dev.llava4j.llava.tokenizer.LlamaTokenizer;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrefetchingLoaderTest {

    private static final int RECORDS = 12;
    /** Records whose image is missing / not an image. */
    private static final int MISSING = 3;
    private static final int BROKEN = 7;
    /** A text-only record. */
    private static final int TEXT_ONLY = 9;

    @TempDir
    static Path images;
    private static LlamaTokenizer tokenizer;
    private static LlavaImagePipeline pipeline;
    private static List<LlavaRecord> records;

    @BeforeAll
    static void setUp() throws IOException, URISyntaxException {
        tokenizer = LlamaTokenizer.load(Path.of(PrefetchingLoaderTest.class.getResource("/fixtures/tokenizer").toURI()));
        pipeline = new LlavaImagePipeline(new ClipImageProcessor(ClipProcessorConfig.openAiClip(16)),
                LlavaImagePipeline.AspectRatio.PAD);
        records = new ArrayList<>();
        for (int i = 0; i < RECORDS; i++) {
            String image = switch (i) {
                case MISSING -> "missing.png";
                case BROKEN -> "broken.png";
                case TEXT_ONLY -> null;
                default -> "img" + i + ".png";
            };
            if (image != null && i != MISSING && i != BROKEN) {
                writeSolid(images.resolve(image), red(i));
            }
            String question = (image != null ? "<image>\n" : "") + "What color is it?";
            records.add(new LlavaRecord("r" + i, image, List.of(new LlavaRecord.Message("human", question),
                    new LlavaRecord.Message("gpt", "Red number " + i + "."))));
        }
        Files.writeString(images.resolve("broken.png"), "not a png", StandardCharsets.UTF_8);
    }

    private static int red(int i) {
        return 20 * i;
    }

    private static void writeSolid(Path file, int red) throws IOException {
        BufferedImage im = new BufferedImage(20, 20, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 20; y++) {
            for (int x = 0; x < 20; x++) {
                im.setRGB(x, y, red << 16 | 100 << 8 | 50);
            }
        }
        ImageIO.write(im, "png", file.toFile());
    }

    private static TrainSampleFactory factory() {
        return new TrainSampleFactory(images, tokenizer, ChatTemplate.named("v1"), 2048, pipeline);
    }

    private static int[] reversedOrder() {
        int[] order = new int[RECORDS];
        for (int i = 0; i < RECORDS; i++) {
            order[i] = RECORDS - 1 - i;
        }
        return order;
    }

    private static List<TrainSample> drain(PrefetchingLoader loader) {
        List<TrainSample> out = new ArrayList<>();
        while (loader.hasNext()) {
            out.add(loader.next());
        }
        return out;
    }

    private static List<String> ids(List<TrainSample> samples) {
        return samples.stream().map(TrainSample::id).toList();
    }

    @Test
    void deliversInSamplerOrderAndSkipsBadRecords() {
        try (PrefetchingLoader loader = new PrefetchingLoader(records, factory(), reversedOrder(), 0, 3, 4)) {
            List<TrainSample> got = drain(loader);
            assertEquals(List.of("r11", "r10", "r9", "r8", "r6", "r5", "r4", "r2", "r1", "r0"), ids(got));
            assertEquals(2, loader.skipped());
            assertEquals(RECORDS, loader.position());
            List<String> problems = loader.problems();
            assertEquals(2, problems.size());
            assertTrue(problems.get(0).startsWith("record 'r7'") && problems.get(0).contains("broken.png"),
                    problems.get(0));
            assertTrue(problems.get(1).startsWith("record 'r3'") && problems.get(1).contains("missing.png"),
                    problems.get(1));
        }
    }

    @Test
    void samplesCarryTokensLabelsAndPixelValues() {
        try (PrefetchingLoader loader = new PrefetchingLoader(records, factory(), new int[] {5, TEXT_ONLY}, 0, 2, 2)) {
            TrainSample image = loader.next();
            assertTrue(image.hasImage());
            assertEquals(1, image.inputIds()[0]);
            assertTrue(indexOfImage(image) > 1, "the image follows the system prompt and USER:");
            assertArrayEquals(LlavaPreprocessor.preprocess(records.get(5), "v1", tokenizer, 2048).inputIds(),
                    image.inputIds());
            // a solid 20x20 image stays solid: every value is (channel / 255 - mean) / std
            assertEquals(3 * 16 * 16, image.pixelValues().length);
            double expectedRed = (red(5) / 255.0 - ClipProcessorConfig.OPENAI_CLIP_MEAN[0])
                    / ClipProcessorConfig.OPENAI_CLIP_STD[0];
            double expectedBlue = (50 / 255.0 - ClipProcessorConfig.OPENAI_CLIP_MEAN[2])
                    / ClipProcessorConfig.OPENAI_CLIP_STD[2];
            assertEquals(expectedRed, image.pixelValues()[0], 1e-5);
            assertEquals(expectedRed, image.pixelValues()[255], 1e-5);
            assertEquals(expectedBlue, image.pixelValues()[2 * 256 + 17], 1e-5);

            TrainSample text = loader.next();
            assertFalse(text.hasImage());
            assertNull(text.pixelValues());
            assertTrue(text.supervisedTokens() > 0);
            assertFalse(loader.hasNext());
        }
    }

    private static int indexOfImage(TrainSample s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.inputIds()[i] == LlavaPreprocessor.IMAGE_TOKEN_INDEX) {
                return i;
            }
        }
        return -1;
    }

    @Test
    void outputDoesNotDependOnTheNumberOfWorkers() {
        List<TrainSample> one;
        List<TrainSample> four;
        try (PrefetchingLoader loader = new PrefetchingLoader(records, factory(), reversedOrder(), 0, 1, 1)) {
            one = drain(loader);
        }
        try (PrefetchingLoader loader = new PrefetchingLoader(records, factory(), reversedOrder(), 0, 4, 8)) {
            four = drain(loader);
        }
        assertEquals(ids(one), ids(four));
        for (int i = 0; i < one.size(); i++) {
            assertArrayEquals(one.get(i).inputIds(), four.get(i).inputIds());
            assertArrayEquals(one.get(i).labels(), four.get(i).labels());
            assertArrayEquals(one.get(i).pixelValues(), four.get(i).pixelValues());
        }
    }

    @Test
    void resumesAtAPositionWithoutTouchingEarlierRecords() {
        int[] order = reversedOrder(); // the bad records r7 and r3 sit at positions 4 and 8
        List<TrainSample> full;
        try (PrefetchingLoader loader = new PrefetchingLoader(records, factory(), order, 0, 2, 3)) {
            full = drain(loader);
        }
        int position;
        List<TrainSample> head;
        try (PrefetchingLoader loader = new PrefetchingLoader(records, factory(), order, 0, 2, 3)) {
            head = loader.nextBatch(5); // r11 r10 r9 r8 (skip r7) r6
            position = loader.position();
        }
        assertEquals(6, position);
        try (PrefetchingLoader resumed = new PrefetchingLoader(records, factory(), order, position, 2, 3)) {
            List<TrainSample> tail = drain(resumed);
            List<String> joined = new ArrayList<>(ids(head));
            joined.addAll(ids(tail));
            assertEquals(ids(full), joined);
            assertEquals(1, resumed.skipped(), "only r3 lies after the resume point");
        }
        try (PrefetchingLoader atEnd = new PrefetchingLoader(records, factory(), order, order.length, 2, 3)) {
            assertFalse(atEnd.hasNext());
        }
    }

    @Test
    void closeStopsTheWorkers() {
        PrefetchingLoader loader = new PrefetchingLoader(records, factory(), reversedOrder(), 0, 3, 6);
        loader.next();
        loader.close();
        assertTrue(loader.isTerminated());
        assertThrows(IllegalStateException.class, loader::hasNext);
        loader.close(); // idempotent
    }

    @Test
    void rejectsBadArguments() {
        assertThrows(IllegalArgumentException.class,
                () -> new PrefetchingLoader(records, factory(), new int[] {0, RECORDS}, 0, 1, 1));
        assertThrows(IllegalArgumentException.class,
                () -> new PrefetchingLoader(records, factory(), new int[] {0}, 2, 1, 1));
        assertThrows(IllegalArgumentException.class,
                () -> new PrefetchingLoader(records, factory(), new int[] {0}, 0, 0, 1));
    }

    @Test
    void factoryRejectsRecordsThatCannotBecomeSamples() {
        LlavaRecord noPlaceholder = new LlavaRecord("np", "img0.png", List.of(
                new LlavaRecord.Message("human", "What color?"), new LlavaRecord.Message("gpt", "Red.")));
        BadRecordException e = assertThrows(BadRecordException.class, () -> factory().make(noPlaceholder));
        assertTrue(e.getMessage().contains("'np'") && e.getMessage().contains("0 <image> placeholders"),
                e.getMessage());

        LlavaRecord twoRounds = new LlavaRecord("plain4", "img0.png", List.of(
                new LlavaRecord.Message("human", "<image>\nA"), new LlavaRecord.Message("gpt", "B"),
                new LlavaRecord.Message("human", "C"), new LlavaRecord.Message("gpt", "D")));
        TrainSampleFactory plain = new TrainSampleFactory(images, tokenizer, ChatTemplate.PLAIN, 2048, pipeline);
        BadRecordException p = assertThrows(BadRecordException.class, () -> plain.make(twoRounds));
        assertTrue(p.getMessage().contains("'plain4'"), p.getMessage());
    }
}
