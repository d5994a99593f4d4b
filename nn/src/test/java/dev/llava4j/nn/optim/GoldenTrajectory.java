package dev.llava4j.nn.optim;

import com.fasterxml.jackson.databind.JsonNode;
import dev.llava4j.nn.Parameter;
import dev.llava4j.nn.testutil.Golden;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Replays a golden optimizer trajectory: parameters from "<case>.<p>.init", gradients "<case>.<p>.grad.<k>". */
final class GoldenTrajectory {
    static final int STEPS = 6;
    static final double REL_TOL = 1e-6;

    final Golden golden;
    final String kase;
    final Map<String, Parameter> params = new LinkedHashMap<>();

    GoldenTrajectory(Golden golden, String kase, List<String> names) {
        this.golden = golden;
        this.kase = kase;
        for (String n : names) {
            params.put(n, new Parameter(golden.get(kase + "." + n + ".init").copy()));
        }
    }

    /** Groups as described by the case's metadata: [{"params": [...], "lr": .., "weight_decay": ..}]. */
    List<ParamGroup> groups(JsonNode groupsJson) {
        List<ParamGroup> out = new ArrayList<>();
        for (JsonNode g : groupsJson) {
            Map<String, Parameter> ps = new LinkedHashMap<>();
            g.get("params").forEach(n -> ps.put(n.asText(), params.get(n.asText())));
            out.add(new ParamGroup(ps, g.get("lr").asDouble(), g.get("weight_decay").asDouble()));
        }
        return out;
    }

    /** Installs the gradients of step k (1-based). */
    void setGradients(int k) {
        params.forEach((n, p) -> p.value().setGrad(golden.get(kase + "." + n + ".grad." + k).copy()));
    }

    /** Asserts every parameter equals PyTorch's after step k. */
    void assertAfter(int k) {
        params.forEach((n, p) -> Golden.assertRelClose(golden.get(kase + "." + n + ".after." + k), p.value(), REL_TOL,
                kase + " " + n + " after step " + k));
    }
}
