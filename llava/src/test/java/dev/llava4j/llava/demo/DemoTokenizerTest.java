package dev.llava4j.llava.demo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.llava4j.llava.tokenizer.LlamaTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoTokenizerTest {

    @Test
    void loadsTheLlamaTokenizerSetUpAsLlava15Trains() throws IOException {
        LlamaTokenizer t = DemoTokenizer.load();
        assertEquals(32000, t.vocabSize());
        assertEquals(1, t.bosId());
        assertEquals(2, t.eosId());
        assertEquals(0, t.unkId());
        assertEquals(0, t.padId());
        assertTrue(t.legacy());
        assertTrue(t.addBos());
        // "Hello world" in LLaMA's vocabulary: ▁Hello = 15043, ▁world = 3186
        assertArrayEquals(new int[] {1, 15043, 3186}, t.encode("Hello world"));
    }

    @Test
    void writesItsFilesIntoAFolder(@TempDir Path dir) throws IOException {
        Path out = DemoTokenizer.writeTo(dir.resolve("model/tokenizer"));
        for (String name : DemoTokenizer.FILES) {
            assertTrue(Files.size(out.resolve(name)) > 0, name);
        }
        assertEquals(499_723, Files.size(out.resolve("tokenizer.model")));
        assertEquals(32000, LlamaTokenizer.load(out).vocabSize());
    }
}
