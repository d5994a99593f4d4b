package dev.llava4j.llava.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Minimal safetensors reader for the test fixtures (U8 and F32 only). Kept inside the tests so that the image
 * tests do not depend on the project's own safetensors code.
 */
final class FixtureTensors {

    private final Path file;
    private final JsonNode header;
    private final ByteBuffer data;

    private FixtureTensors(Path file, JsonNode header, ByteBuffer data) {
        this.file = file;
        this.header = header;
        this.data = data;
    }

    static FixtureTensors open(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int headerLength = Math.toIntExact(buf.getLong(0));
        JsonNode header = new ObjectMapper().readTree(new String(bytes, 8, headerLength, StandardCharsets.UTF_8));
        ByteBuffer data = ByteBuffer.wrap(bytes, 8 + headerLength, bytes.length - 8 - headerLength).slice()
                .order(ByteOrder.LITTLE_ENDIAN);
        return new FixtureTensors(file, header, data);
    }

    int[] shape(String name) {
        JsonNode shape = entry(name).get("shape");
        int[] dims = new int[shape.size()];
        for (int i = 0; i < dims.length; i++) {
            dims[i] = shape.get(i).intValue();
        }
        return dims;
    }

    byte[] u8(String name) {
        ByteBuffer slice = slice(name, "U8");
        byte[] out = new byte[slice.remaining()];
        slice.get(out);
        return out;
    }

    float[] f32(String name) {
        ByteBuffer slice = slice(name, "F32");
        float[] out = new float[slice.remaining() / 4];
        slice.asFloatBuffer().get(out);
        return out;
    }

    /** A U8 tensor of shape [H, W, 3] as an image. */
    RgbImage image(String name) {
        int[] shape = shape(name);
        if (shape.length != 3 || shape[2] != 3) {
            throw new IllegalArgumentException(name + " is not [H, W, 3]: " + Arrays.toString(shape));
        }
        return new RgbImage(shape[1], shape[0], u8(name));
    }

    private JsonNode entry(String name) {
        JsonNode e = header.get(name);
        if (e == null) {
            throw new IllegalArgumentException(file + " has no tensor " + name);
        }
        return e;
    }

    private ByteBuffer slice(String name, String dtype) {
        JsonNode e = entry(name);
        if (!dtype.equals(e.get("dtype").asText())) {
            throw new IllegalArgumentException(name + " is " + e.get("dtype") + ", not " + dtype);
        }
        int begin = e.get("data_offsets").get(0).intValue();
        int end = e.get("data_offsets").get(1).intValue();
        return data.duplicate().position(begin).limit(end).slice().order(ByteOrder.LITTLE_ENDIAN);
    }
}
