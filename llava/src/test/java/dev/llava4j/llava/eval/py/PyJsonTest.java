package dev.llava4j.llava.eval.py;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class PyJsonTest {

    @Test
    void dumpsLikePythonDefaults() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("question_id", 330675000L);
        m.put("answer", "caf\u00e9 \u2014 \"ok\"\n\u007f\uD83D\uDE00");
        m.put("score", 0.5);
        m.put("list", List.of(1L, true));
        m.put("none", null);
        assertEquals("{\"question_id\": 330675000, \"answer\": \"caf\\u00e9 \\u2014 \\\"ok\\\"\\n\\u007f\\ud83d\\ude00\", "
                + "\"score\": 0.5, \"list\": [1, true], \"none\": null}", PyJson.dumps(m));
    }

    @Test
    void indentedLikeJsonDumpIndent2() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("v1_0", "x");
        m.put("v1_1", "");
        assertEquals("{\n  \"v1_0\": \"x\",\n  \"v1_1\": \"\"\n}", PyJson.dumps(m, 2));
        assertEquals("[]", PyJson.dumps(List.of(), 2));
    }
}
