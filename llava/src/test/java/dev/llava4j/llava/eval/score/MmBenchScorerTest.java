package dev.llava4j.llava.eval.score;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llava4j.llava.eval.EvalInputs;
import dev.llava4j.llava.eval.Fixtures;
import dev.llava4j.llava.eval.ScoreResult;
import dev.llava4j.llava.eval.io.AnswerFile;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The MMBench and MMBench-CN cases must match LLaVA's converter + OpenCompass eval_mmbench.py. */
class MmBenchScorerTest {

    private static Path tsv(String bench, String split) {
        return Fixtures.path(bench, split + ".tsv");
    }

    private static Path answers(String bench, String split) {
        return Fixtures.path(bench, "answers/" + split + "/llava-v1.5-13b.jsonl");
    }

    @ParameterizedTest
    @CsvSource({"mmbench,mmbench_dev_20230712", "mmbench_cn,mmbench_dev_cn_20231003"})
    @SuppressWarnings("unchecked")
    void metricsMatchOfficialExactly(String bench, String split) {
        ScoreResult r = new MmBenchScorer(bench).score(new EvalInputs(answers(bench, split), tsv(bench, split), null));
        JsonNode e = Fixtures.expected(bench).get("metrics");
        assertSplits(e.get("overall").get("overall"), (Map<String, Object>) r.metrics().get("overall"), "overall");
        for (String table : List.of("l2", "leaf")) {
            Map<String, Object> got = (Map<String, Object>) r.metrics().get(table);
            List<String> keys = new ArrayList<>();
            e.get(table).properties().forEach(c -> {
                keys.add(c.getKey());
                assertSplits(c.getValue(), (Map<String, Object>) got.get(c.getKey()), table + " " + c.getKey());
            });
            assertEquals(keys, List.copyOf(got.keySet()), table);
        }
        assertEquals(0, r.metrics().get("unresolved_groups"));
        assertFalse(r.warnings().stream().anyMatch(w -> w.contains("ChatGPT")), r.warnings().toString());
    }

    private static void assertSplits(JsonNode want, Map<String, Object> got, String ctx) {
        for (String split : List.of("full", "dev", "test")) {
            if (want.get(split).isNull()) {
                assertNull(got.get(split), ctx + " " + split);
            } else {
                assertEquals(want.get(split).doubleValue(), (double) got.get(split), ctx + " " + split);
            }
        }
    }

    @ParameterizedTest
    @CsvSource({"mmbench,mmbench_dev_20230712", "mmbench_cn,mmbench_dev_cn_20231003"})
    void everyGroupHitMatches(String bench, String split) {
        List<MmBenchScorer.GroupHit> hits = MmBenchScorer.scoreGroups(MmBenchTable.read(tsv(bench, split)),
                MmBenchScorer.predictions(AnswerFile.read(answers(bench, split))), new ArrayList<>());
        JsonNode want = Fixtures.expected(bench).get("per_group_hit");
        assertEquals(want.size(), hits.size());
        for (MmBenchScorer.GroupHit h : hits) {
            assertEquals(want.get(Long.toString(h.index())).intValue(), h.hit(), "group " + h.index());
        }
    }
}
