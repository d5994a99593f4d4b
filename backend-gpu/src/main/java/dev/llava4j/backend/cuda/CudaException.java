package dev.llava4j.backend.cuda;

/** A failed CUDA driver, NVRTC or cuBLAS call; the message names the call and the library's error name. */
public class CudaException extends RuntimeException {
    public CudaException(String message) {
        super(message);
    }

    public CudaException(String message, Throwable cause) {
        super(message, cause);
    }
}
