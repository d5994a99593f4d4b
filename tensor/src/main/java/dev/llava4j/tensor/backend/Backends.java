package dev.llava4j.tensor.backend;

import dev.llava4j.tensor.Device;
import dev.llava4j.tensor.backend.ref.ReferenceBackend;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceLoader;

/**
 * Finds backends with {@link ServiceLoader} once and chooses one per device. Tests compare backends by running the
 * same code under {@link #use(Backend)}, a per-thread override.
 */
public final class Backends {
    private static final List<Backend> ALL = load();
    private static final ThreadLocal<Backend> OVERRIDE = new ThreadLocal<>();

    private Backends() {
    }

    private static List<Backend> load() {
        List<Backend> list = new ArrayList<>();
        list.add(new ReferenceBackend());
        for (Backend b : ServiceLoader.load(Backend.class)) {
            list.add(b);
        }
        list.sort(Comparator.comparingInt(Backend::priority).reversed());
        return List.copyOf(list);
    }

    /** Every backend found, highest priority first. */
    public static List<Backend> all() {
        return ALL;
    }

    /** The backend that runs kernels for tensors on {@code device} on this thread. */
    public static Backend forDevice(Device device) {
        Backend o = OVERRIDE.get();
        if (o != null && o.device() == device) {
            return o;
        }
        for (Backend b : ALL) {
            if (b.device() == device) {
                return b;
            }
        }
        throw new IllegalStateException("no backend available for device " + device
                + (device == Device.CUDA ? " (is the llava4j-backend-gpu module on the class path and a CUDA driver installed?)" : ""));
    }

    public static Backend byName(String name) {
        for (Backend b : ALL) {
            if (b.name().equals(name)) {
                return b;
            }
        }
        throw new IllegalArgumentException("no backend named '" + name + "'; found " + ALL.stream().map(Backend::name).toList());
    }

    /** Makes {@code backend} serve its device on this thread until the returned handle is closed. */
    public static Handle use(Backend backend) {
        Backend previous = OVERRIDE.get();
        OVERRIDE.set(backend);
        return () -> OVERRIDE.set(previous);
    }

    /** Restores the previous backend choice when closed. */
    public interface Handle extends AutoCloseable {
        @Override
        void close();
    }
}
