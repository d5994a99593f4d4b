package dev.llava4j.backend.cuda;

/** Thrown when CUDA work is requested on a machine without a usable driver or GPU; the message says why. */
public final class CudaUnavailableException extends CudaException {
    public CudaUnavailableException(String reason) {
        super("CUDA is not available: " + reason);
    }
}
