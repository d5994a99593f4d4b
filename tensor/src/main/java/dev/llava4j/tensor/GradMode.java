package dev.llava4j.tensor;

/** Whether operations record the autograd graph on this thread. {@code try (var g = GradMode.noGrad()) {...}}. */
public final class GradMode {
    private static final ThreadLocal<Boolean> ENABLED = ThreadLocal.withInitial(() -> Boolean.TRUE);

    private GradMode() {
    }

    public static boolean isEnabled() {
        return ENABLED.get();
    }

    /** Disables graph recording until the returned guard is closed (restores the previous mode). */
    public static Guard noGrad() {
        return set(false);
    }

    /** Enables graph recording until the returned guard is closed. */
    public static Guard enableGrad() {
        return set(true);
    }

    private static Guard set(boolean enabled) {
        boolean previous = ENABLED.get();
        ENABLED.set(enabled);
        return () -> ENABLED.set(previous);
    }

    /** Restores the previous grad mode when closed. */
    public interface Guard extends AutoCloseable {
        @Override
        void close();
    }
}
