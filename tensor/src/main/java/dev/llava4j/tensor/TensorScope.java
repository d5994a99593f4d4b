package dev.llava4j.tensor;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * The memory-lifetime rule of llava4j: every storage allocated while a scope is open on this thread belongs to the
 * innermost open scope and is freed when that scope closes, except storages handed on with {@link #keep(Tensor)}.
 * Storages allocated with no scope open belong to the garbage collector (or to an explicit {@code release()}).
 * <pre>
 * try (TensorScope step = TensorScope.open()) {
 *     Tensor loss = model.forward(batch);     // intermediates live in 'step'
 *     loss.backward();                        // parameter .grad tensors are allocated outside any scope
 * }                                           // all intermediates are freed here
 * </pre>
 */
public final class TensorScope implements AutoCloseable {
    private static final ThreadLocal<ArrayDeque<TensorScope>> STACK = ThreadLocal.withInitial(ArrayDeque::new);

    private final List<Storage> owned = new ArrayList<>();
    private final Set<Storage> kept = Collections.newSetFromMap(new IdentityHashMap<>());
    private final Thread thread = Thread.currentThread();
    private boolean closed;

    private TensorScope() {
    }

    public static TensorScope open() {
        TensorScope s = new TensorScope();
        STACK.get().push(s);
        return s;
    }

    static void register(Storage storage) {
        TensorScope s = STACK.get().peek();
        if (s != null) {
            s.owned.add(storage);
        }
    }

    /** Runs {@code body} with no scope active, so what it allocates outlives the current scopes (e.g. gradients). */
    public static <T> T outside(java.util.function.Supplier<T> body) {
        ArrayDeque<TensorScope> saved = STACK.get();
        STACK.set(new ArrayDeque<>());
        try {
            return body.get();
        } finally {
            STACK.set(saved);
        }
    }

    /**
     * Keeps the tensor's storage alive past this scope: it moves to the enclosing scope, or to the garbage collector
     * when this is the outermost scope. Returns the tensor for chaining.
     */
    public Tensor keep(Tensor t) {
        Storage st = t.storage();
        if (kept.add(st)) {
            ArrayDeque<TensorScope> stack = STACK.get();
            TensorScope parent = null;
            boolean seen = false;
            for (TensorScope s : stack) {
                if (seen) {
                    parent = s;
                    break;
                }
                seen = s == this;
            }
            if (parent != null) {
                parent.owned.add(st);
            }
        }
        return t;
    }

    /**
     * Hands a storage to the garbage collector (or to an explicit {@code release()}): no open scope on this thread
     * frees it when it closes. Autograd uses this to keep a parameter gradient that was computed inside a step.
     */
    static void escape(Storage storage) {
        for (TensorScope s : STACK.get()) {
            s.kept.add(storage);
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        if (Thread.currentThread() != thread) {
            throw new IllegalStateException("a TensorScope must be closed on the thread that opened it");
        }
        ArrayDeque<TensorScope> stack = STACK.get();
        if (stack.peek() != this) {
            throw new IllegalStateException("TensorScopes must be closed in the reverse order of opening");
        }
        stack.pop();
        closed = true;
        for (Storage s : owned) {
            if (!kept.contains(s)) {
                s.release();
            }
        }
        owned.clear();
    }
}
