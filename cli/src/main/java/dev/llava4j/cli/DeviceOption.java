package dev.llava4j.cli;

import dev.llava4j.backend.cuda.CudaRuntime;
import dev.llava4j.tensor.Device;
import picocli.CommandLine.Option;

/** {@code --device cpu|cuda} for the commands that run a model (picocli mixin). */
public final class DeviceOption {
    @Option(names = "--device", defaultValue = "cpu", paramLabel = "cpu|cuda",
            description = "Where the model runs (default ${DEFAULT-VALUE}); cuda copies the weights to the GPU.")
    String device;

    /**
     * The chosen device, checked before any model is loaded: on a machine without a usable CUDA driver or GPU this
     * throws the probe's {@link dev.llava4j.backend.cuda.CudaUnavailableException}, which the CLI prints as one
     * "error: CUDA is not available: ..." line.
     */
    Device resolve() {
        Device d;
        try {
            d = Device.parse(device);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--device: " + e.getMessage());
        }
        if (d == Device.CUDA) {
            CudaRuntime.requireAvailable();
        }
        return d;
    }
}
