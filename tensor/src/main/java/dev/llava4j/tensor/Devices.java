package dev.llava4j.tensor;

import dev.llava4j.tensor.backend.Backend;
import dev.llava4j.tensor.backend.Backends;

/**
 * The device rule of the frontend: an operation runs on the device of its inputs and allocates its outputs there.
 * Inputs on two devices are an error, with one exception taken from PyTorch: a 0-d CPU tensor (the literal 0 in
 * {@code where(mask, x, 0)}, a scalar built with {@link Tensor#scalar}) goes along with any device, so scalar
 * arguments need no ceremony in op code.
 */
public final class Devices {
    private Devices() {
    }

    /** The device that {@code op} over these inputs runs on; null inputs are skipped (optional arguments). */
    public static Device common(String op, Tensor... inputs) {
        Tensor first = null;
        for (Tensor t : inputs) {
            if (t == null || isHostScalar(t)) {
                continue;
            }
            if (first == null) {
                first = t;
            } else if (t.device() != first.device()) {
                throw new IllegalArgumentException(op + ": inputs live on different devices, " + describe(first)
                        + " and " + describe(t) + "; move them to one device with Tensor.to(Device) first");
            }
        }
        if (first != null) {
            return first.device();
        }
        // only host scalars (or nothing): the first non-null input decides, which is the CPU
        return Device.CPU;
    }

    /**
     * {@code t} on {@code device}: itself when it is there already, else (a host scalar that {@link #common} let
     * through) a copy. A scalar that needs no gradient is re-created with a fill, which on a GPU is a queued kernel
     * instead of a synchronous host-to-device copy.
     */
    public static Tensor onto(Tensor t, Device device) {
        if (t == null || t.device() == device) {
            return t;
        }
        if (isHostScalar(t) && !t.requiresGrad()) {
            return Tensor.full(t.getDouble(), t.dtype(), device);
        }
        return t.to(device);
    }

    /** The backend that moves data between two devices: the non-CPU side's, since it owns the transfer routines. */
    static Backend mover(Device from, Device to) {
        return Backends.forDevice(from != Device.CPU ? from : to);
    }

    private static boolean isHostScalar(Tensor t) {
        return t.rank() == 0 && t.device() == Device.CPU;
    }

    private static String describe(Tensor t) {
        return t.device() + " (" + t.dtype() + " " + Shape.toString(t.shape()) + ")";
    }
}
