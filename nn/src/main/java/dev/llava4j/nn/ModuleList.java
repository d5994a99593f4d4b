package dev.llava4j.nn;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** Children named 0, 1, 2, ... (the "layers.N" part of state-dict keys). */
public final class ModuleList<M extends Module> extends Module implements Iterable<M> {
    private final List<M> items = new ArrayList<>();

    public ModuleList<M> add(M module) {
        child(Integer.toString(items.size()), module);
        items.add(module);
        return this;
    }

    public M get(int i) {
        return items.get(i);
    }

    public int size() {
        return items.size();
    }

    @Override
    public Iterator<M> iterator() {
        return items.iterator();
    }

    @Override
    @SuppressWarnings("unchecked")
    protected void onChildReplaced(String name, Module replacement) {
        items.set(Integer.parseInt(name), (M) replacement);
    }
}
