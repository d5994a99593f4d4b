package dev.llava4j.llava.eval;

import dev.llava4j.llava.eval.py.PyJson;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a converter did: the file written and the counts the official converter prints
 * (e.g. {@code total results}, {@code error_line}), plus warnings.
 */
public record ConvertResult(String benchmark, Path out, Map<String, Object> summary, List<String> warnings) {

    public ConvertResult {
        summary = Collections.unmodifiableMap(new LinkedHashMap<>(summary));
        warnings = List.copyOf(warnings);
    }

    /** One JSON line: {@code {"benchmark":.., "out":.., <summary>}}. */
    public String toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("benchmark", benchmark);
        m.put("out", out.toString());
        m.putAll(summary);
        return PyJson.dumps(m);
    }
}
