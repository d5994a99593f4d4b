package dev.llava4j.llava.data;

import java.nio.file.Path;
import java.util.List;

/**
 * The valid records of a LLaVA data file, plus how many were skipped as malformed and the first few
 * reasons (at most {@link #MAX_PROBLEMS_KEPT}).
 */
public record LlavaDataset(Path source, List<LlavaRecord> records, int skipped, List<String> problems) {

    public static final int MAX_PROBLEMS_KEPT = 10;

    public LlavaDataset {
        records = List.copyOf(records);
        problems = List.copyOf(problems);
    }

    public int size() {
        return records.size();
    }

    public LlavaRecord get(int index) {
        if (index < 0 || index >= records.size()) {
            throw new IndexOutOfBoundsException("record index " + index + " is outside 0.." + (records.size() - 1)
                    + " (" + records.size() + " valid records in " + source + ")");
        }
        return records.get(index);
    }
}
