package dev.llava4j.llava.eval.run;

import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AnswerIdsTest {

    @Test
    void encodingIsBase57MostSignificantFirst() {
        assertEquals("2".repeat(22), AnswerIds.encode(BigInteger.ZERO));
        assertEquals("2".repeat(21) + "3", AnswerIds.encode(BigInteger.ONE));
        assertEquals("2".repeat(20) + "32", AnswerIds.encode(BigInteger.valueOf(57)));
        String max = AnswerIds.encode(BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE));
        assertEquals(22, max.length());
        assertThrows(IllegalArgumentException.class, () -> AnswerIds.encode(BigInteger.ONE.shiftLeft(128)));
    }

    @Test
    void randomIdsAreShortUuidShapedAndDistinct() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            String id = AnswerIds.random();
            assertEquals(22, id.length());
            assertTrue(id.chars().allMatch(c -> AnswerIds.ALPHABET.indexOf(c) >= 0), id);
            seen.add(id);
        }
        assertEquals(1000, seen.size());
    }

    @Test
    void modelIdIsTheFolderNameLikeGetModelNameFromPath() {
        assertEquals("llava-v1.5-7b", ModelIds.fromPath(Path.of("/models/llava-v1.5-7b/")));
        assertEquals("llava-v1.5-7b-lora_checkpoint-500", ModelIds.fromPath(Path.of("/runs/llava-v1.5-7b-lora/checkpoint-500")));
        assertEquals(Path.of("").toAbsolutePath().getFileName().toString(), ModelIds.fromPath(Path.of(".")));
    }
}
