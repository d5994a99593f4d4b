package dev.llava4j.llava.train;

/** Dataset order, every epoch ({@code --no-shuffle}). */
public record SequentialSampler(int size) implements IndexSampler {

    public SequentialSampler {
        if (size < 0) {
            throw new IllegalArgumentException("dataset size must not be negative, got " + size);
        }
    }

    @Override
    public int[] order(int epoch) {
        int[] order = new int[size];
        for (int i = 0; i < size; i++) {
            order[i] = i;
        }
        return order;
    }
}
