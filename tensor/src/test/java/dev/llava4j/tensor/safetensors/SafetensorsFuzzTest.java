package dev.llava4j.tensor.safetensors;

import dev.llava4j.tensor.DType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static dev.llava4j.tensor.safetensors.SafetensorsWriterTest.randomEntry;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Random corruptions of a valid file: each must open cleanly (and then every tensor must be readable)
 * or fail with a SafetensorsException; any other exception type is a bug in the validation.
 */
class SafetensorsFuzzTest {

    private static final int MUTATIONS = 200;

    @TempDir
    Path dir;

    @Test
    @Timeout(120) // guards against a hang only; normal runs take well under a second
    void mutatedFilesOpenOrFailCleanly() throws IOException {
        Path valid = dir.resolve("valid.safetensors");
        Random random = new Random(20240601);
        SafetensorsWriter.write(valid, Map.of("format", "pt"), List.of(
                randomEntry("weight", DType.F32, new long[] {3, 4}, random),
                randomEntry("ids", DType.I64, new long[] {5}, random),
                randomEntry("scalar", DType.BF16, new long[] {}, random)));
        byte[] original = Files.readAllBytes(valid);
        int headerEnd = 8 + (int) ByteBuffer.wrap(original).order(ByteOrder.LITTLE_ENDIAN).getLong(0);

        int opened = 0;
        int rejected = 0;
        for (int i = 0; i < MUTATIONS; i++) {
            byte[] mutated = mutate(original, headerEnd, i % 5, random);
            Path f = dir.resolve("m" + i + ".safetensors");
            Files.write(f, mutated);
            try (SafetensorsFile st = SafetensorsFile.open(f)) {
                long checksum = 0;
                for (TensorEntry e : st.entries()) {
                    for (byte b : st.data(e.name()).toArray(ValueLayout.JAVA_BYTE)) {
                        checksum += b;
                    }
                    assertEquals(e.numel() * e.dtype().byteSize(), e.byteSize());
                }
                assertTrue(checksum != Long.MIN_VALUE); // keeps the reads from being optimized away
                opened++;
            } catch (SafetensorsException expected) {
                assertTrue(expected.getMessage().startsWith(f.toString()), expected.getMessage());
                rejected++;
            } catch (RuntimeException | Error e) {
                fail("mutation " + i + " (kind " + i % 5 + ") threw " + e + " for bytes "
                        + Arrays.toString(Arrays.copyOf(mutated, Math.min(mutated.length, 64))), e);
            }
        }
        // Both outcomes must occur, or the mutations are not exercising the validation.
        assertTrue(opened > 10, "opened " + opened);
        assertTrue(rejected > 50, "rejected " + rejected);
    }

    private static byte[] mutate(byte[] original, int headerEnd, int kind, Random random) {
        byte[] b = original.clone();
        switch (kind) {
            case 0 -> { // flip 1..4 bits anywhere
                for (int n = 1 + random.nextInt(4); n > 0; n--) {
                    int pos = random.nextInt(b.length);
                    b[pos] ^= (byte) (1 << random.nextInt(8));
                }
            }
            case 1 -> { // random byte inside the header text
                int pos = 8 + random.nextInt(headerEnd - 8);
                b[pos] = (byte) random.nextInt(256);
            }
            case 2 -> { // truncation
                return Arrays.copyOf(b, random.nextInt(b.length));
            }
            case 3 -> { // a digit of the header replaced by another: plausible but wrong offsets/shapes
                int pos;
                do {
                    pos = 8 + random.nextInt(headerEnd - 8);
                } while (!Character.isDigit(b[pos]));
                b[pos] = (byte) ('0' + random.nextInt(10));
            }
            default -> { // a damaged length prefix: a random byte of it
                b[random.nextInt(8)] = (byte) random.nextInt(256);
            }
        }
        return b;
    }
}
