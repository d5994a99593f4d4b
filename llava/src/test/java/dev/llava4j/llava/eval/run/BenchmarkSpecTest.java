package dev.llava4j.llava.eval.run;

import dev.llava4j.llava.eval.EvalInputException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BenchmarkSpecTest {

    private static final String SHORT = "Answer the question using a single word or phrase.";
    private static final String MC = "Answer with the option's letter from the given choices directly.";

    @Test
    void everyBenchmarkHasLlavaSuffixAndTokenLimit() {
        assertEquals(List.of("vqav2", "gqa", "vizwiz", "textvqa", "pope", "mme", "seed_bench", "scienceqa", "mmbench",
                "mmbench_cn", "llavabench", "mmvet"), BenchmarkSpec.names());
        for (String name : List.of("vqav2", "gqa", "textvqa", "pope", "mme")) {
            assertEquals(SHORT, BenchmarkSpec.named(name).suffix(), name);
            assertEquals(128, BenchmarkSpec.named(name).maxNewTokens(), name);
        }
        assertEquals("When the provided information is insufficient, respond with 'Unanswerable'.\n" + SHORT,
                BenchmarkSpec.named("vizwiz").suffix());
        assertEquals(MC, BenchmarkSpec.named("seed_bench").suffix());
        assertEquals(128, BenchmarkSpec.named("seed_bench").maxNewTokens());
        assertEquals(MC, BenchmarkSpec.named("scienceqa").suffix());
        assertEquals(MC, BenchmarkSpec.named("mmbench").suffix());
        assertEquals("请直接回答选项字母。", BenchmarkSpec.named("mmbench_cn").suffix());
        for (String name : List.of("scienceqa", "mmbench", "mmbench_cn", "llavabench", "mmvet")) {
            assertEquals(1024, BenchmarkSpec.named(name).maxNewTokens(), name);
        }
        assertNull(BenchmarkSpec.named("llavabench").suffix());
        assertNull(BenchmarkSpec.named("mmvet").suffix());
    }

    @Test
    void eachFormatHasItsReader() {
        assertInstanceOf(JsonlQuestionSource.class, BenchmarkSpec.named("seed_bench").source());
        assertInstanceOf(JsonlQuestionSource.class, BenchmarkSpec.named("mmvet").source());
        assertInstanceOf(ScienceQaQuestionSource.class, BenchmarkSpec.named("scienceqa").source());
        assertInstanceOf(MmBenchQuestionSource.class, BenchmarkSpec.named("mmbench_cn").source());
    }

    @Test
    void suffixIsAddedOnlyWhenMissing() {
        BenchmarkSpec pope = BenchmarkSpec.named("pope");
        assertEquals("Is there a cat in the image?\n" + SHORT, pope.withSuffix("Is there a cat in the image?"));
        assertEquals("Is there a cat in the image?\n" + SHORT, pope.withSuffix("Is there a cat in the image?\n" + SHORT));
        assertEquals("Describe it.", BenchmarkSpec.named("llavabench").withSuffix("Describe it."));
        assertEquals("Q\nA. x\n请直接回答选项字母。", BenchmarkSpec.named("mmbench_cn").withSuffix("Q\nA. x"));
    }

    @Test
    void overrideAndUnknownNames() {
        assertEquals(16, BenchmarkSpec.named("gqa").withMaxNewTokens(16).maxNewTokens());
        assertThrows(IllegalArgumentException.class, () -> BenchmarkSpec.named("gqa").withMaxNewTokens(0));
        EvalInputException e = assertThrows(EvalInputException.class, () -> BenchmarkSpec.named("coco"));
        assertTrue(e.getMessage().contains("\"coco\"") && e.getMessage().contains("mmbench_cn"), e.getMessage());
    }
}
