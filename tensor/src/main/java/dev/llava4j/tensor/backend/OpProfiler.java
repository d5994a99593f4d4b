package dev.llava4j.tensor.backend;

import dev.llava4j.tensor.Tensor;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Wall time per backend operation, for finding where a workload spends its time. {@link #wrap} returns a backend
 * that forwards every call to the wrapped one and adds the call's duration to a row keyed by the SPI method and
 * the shapes of its first two tensor arguments; install it for the calling thread with {@link Backends#use}.
 * Not thread-safe: one profiler belongs to one calling thread.
 */
public final class OpProfiler {

    /** Accumulated calls and nanoseconds of one (operation, shape) row. */
    public static final class Row {
        final String op;
        final String shape;
        long calls;
        long nanos;

        Row(String op, String shape) {
            this.op = op;
            this.shape = shape;
        }
    }

    private final Map<String, Row> rows = new LinkedHashMap<>();

    /** A backend that times every call it forwards to {@code target}. */
    public Backend wrap(Backend target) {
        InvocationHandler handler = (proxy, method, args) -> {
            if (args == null || method.getDeclaringClass() == Object.class) {
                return invoke(target, method, args);
            }
            long t0 = System.nanoTime();
            try {
                return invoke(target, method, args);
            } finally {
                target.synchronize();  // a GPU op is only launched when the call returns
                record(method.getName(), args, System.nanoTime() - t0);
            }
        };
        return (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[]{Backend.class}, handler);
    }

    private static Object invoke(Backend target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private void record(String method, Object[] args, long nanos) {
        String op = method;
        StringBuilder shapes = new StringBuilder();
        int tensors = 0;
        for (Object arg : args) {
            if (arg instanceof Enum<?> e && op.equals(method)) { // unary/binary/reduce: name the operator too
                op = method + "." + e.name().toLowerCase(Locale.ROOT);
            } else if (arg instanceof Tensor t && tensors++ < 2) {
                shapes.append(tensors == 1 ? "" : " ").append(Arrays.toString(t.shape()).replace(" ", ""));
            }
        }
        String shape = shapes.toString();
        String finalOp = op;
        String finalShape = shape;
        Row row = rows.computeIfAbsent(op + " " + shape, key -> new Row(finalOp, finalShape));
        row.calls++;
        row.nanos += nanos;
    }

    /** Forgets everything recorded so far (e.g. after warm-up). */
    public void reset() {
        rows.clear();
    }

    /** Total recorded nanoseconds. */
    public long totalNanos() {
        return rows.values().stream().mapToLong(r -> r.nanos).sum();
    }

    /** A table of the {@code limit} most expensive rows, with per-operation totals first. */
    public String table(int limit) {
        long total = Math.max(1, totalNanos());
        Map<String, long[]> byOp = new LinkedHashMap<>();
        for (Row r : rows.values()) {
            long[] sum = byOp.computeIfAbsent(r.op, k -> new long[2]);
            sum[0] += r.calls;
            sum[1] += r.nanos;
        }
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "%-28s %8s %10s %6s%n", "operation", "calls", "ms", "share"));
        byOp.entrySet().stream().sorted((x, y) -> Long.compare(y.getValue()[1], x.getValue()[1])).forEach(e ->
                out.append(String.format(Locale.ROOT, "%-28s %8d %10.1f %5.1f%%%n", e.getKey(), e.getValue()[0],
                        e.getValue()[1] / 1e6, 100.0 * e.getValue()[1] / total)));
        out.append(String.format(Locale.ROOT, "%n%-28s %-22s %8s %10s %6s%n", "operation", "first operand", "calls", "ms",
                "share"));
        List<Row> sorted = new ArrayList<>(rows.values());
        sorted.sort((x, y) -> Long.compare(y.nanos, x.nanos));
        for (Row r : sorted.subList(0, Math.min(limit, sorted.size()))) {
            out.append(String.format(Locale.ROOT, "%-28s %-30s %8d %10.1f %5.1f%%%n", r.op, r.shape, r.calls,
                    r.nanos / 1e6, 100.0 * r.nanos / total));
        }
        return out.toString();
    }
}
