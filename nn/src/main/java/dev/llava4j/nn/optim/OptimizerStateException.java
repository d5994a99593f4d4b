package dev.llava4j.nn.optim;

import java.nio.file.Path;
import java.util.List;

/** Everything that prevented a saved optimizer state from loading, listed at once with the file at fault. */
public final class OptimizerStateException extends IllegalArgumentException {
    private final List<String> problems;

    public OptimizerStateException(Path file, List<String> problems) {
        super(file + ": optimizer state does not match the optimizer (" + problems.size() + " problems):\n  "
                + String.join("\n  ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
