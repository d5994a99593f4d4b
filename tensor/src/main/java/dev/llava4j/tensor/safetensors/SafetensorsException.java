package dev.llava4j.tensor.safetensors;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A safetensors file, sharded checkpoint or write request is malformed or cannot be used.
 * The message always starts with the file at fault, then the tensor (when one is involved), then the fault.
 * It is an {@link IOException} because every fault comes from reading or writing files, and callers
 * that already handle I/O errors then handle these too.
 */
public final class SafetensorsException extends IOException {

    public SafetensorsException(Path file, String fault) {
        super(file + ": " + fault);
    }

    public SafetensorsException(Path file, String fault, Throwable cause) {
        super(file + ": " + fault, cause);
    }

    /** A fault of one named tensor. */
    public static SafetensorsException ofTensor(Path file, String tensorName, String fault) {
        return new SafetensorsException(file, "tensor '" + tensorName + "': " + fault);
    }
}
