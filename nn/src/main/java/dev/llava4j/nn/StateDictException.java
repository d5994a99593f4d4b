package dev.llava4j.nn;

import java.util.List;

/** Everything that prevented a state dict from loading, listed at once. */
public final class StateDictException extends IllegalArgumentException {
    private final List<String> missing;
    private final List<String> unexpected;
    private final List<String> mismatched;

    public StateDictException(List<String> missing, List<String> unexpected, List<String> mismatched) {
        super(message(missing, unexpected, mismatched));
        this.missing = List.copyOf(missing);
        this.unexpected = List.copyOf(unexpected);
        this.mismatched = List.copyOf(mismatched);
    }

    private static String message(List<String> missing, List<String> unexpected, List<String> mismatched) {
        StringBuilder sb = new StringBuilder("state dict does not match the model:");
        if (!missing.isEmpty()) {
            sb.append("\n  missing keys (").append(missing.size()).append("): ").append(String.join(", ", missing));
        }
        if (!unexpected.isEmpty()) {
            sb.append("\n  unexpected keys (").append(unexpected.size()).append("): ").append(String.join(", ", unexpected));
        }
        if (!mismatched.isEmpty()) {
            sb.append("\n  mismatched (").append(mismatched.size()).append("):");
            mismatched.forEach(m -> sb.append("\n    ").append(m));
        }
        return sb.toString();
    }

    public List<String> missing() {
        return missing;
    }

    public List<String> unexpected() {
        return unexpected;
    }

    public List<String> mismatched() {
        return mismatched;
    }
}
