package dev.llava4j.llava.tokenizer;

import java.util.Arrays;

/** Growable int array (token ids) without boxing. */
final class IntList {

    private int[] values = new int[16];
    private int size;

    void add(int v) {
        if (size == values.length) {
            values = Arrays.copyOf(values, size * 2);
        }
        values[size++] = v;
    }

    void addAll(int[] vs, int from) {
        for (int i = from; i < vs.length; i++) {
            add(vs[i]);
        }
    }

    int get(int i) {
        return values[i];
    }

    int size() {
        return size;
    }

    void removeAt(int index) {
        System.arraycopy(values, index + 1, values, index, size - index - 1);
        size--;
    }

    int[] toArray() {
        return Arrays.copyOf(values, size);
    }
}
