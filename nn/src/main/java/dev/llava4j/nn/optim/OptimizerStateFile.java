package dev.llava4j.nn.optim;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.llava4j.nn.Parameter;
import dev.llava4j.tensor.DType;
import dev.llava4j.tensor.Shape;
import dev.llava4j.tensor.Tensor;
import dev.llava4j.tensor.TensorScope;
import dev.llava4j.tensor.safetensors.SafetensorsCheckpoint;
import dev.llava4j.tensor.safetensors.TensorEntry;
import dev.llava4j.tensor.safetensors.TensorFiles;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The optimizer state file: one safetensors file whose tensors are {@code <param>.<buffer>} (PyTorch's buffer names,
 * e.g. {@code model.norm.weight.exp_avg}; {@code <param>.master} for F32 master weights) and whose metadata holds the
 * optimizer type, the per-parameter step counts and the groups (parameter names, lr, initial lr, weight decay) as JSON.
 */
final class OptimizerStateFile {
    static final String MASTER = "master";
    static final String KEY_OPTIMIZER = "llava4j.optimizer";
    static final String KEY_STEPS = "llava4j.steps";
    static final String KEY_GROUPS = "llava4j.groups";
    static final String KEY_HYPER = "llava4j.hyperparameters";
    private static final ObjectMapper JSON = new ObjectMapper();

    private OptimizerStateFile() {
    }

    static void write(Path file, OptimizerBase opt) throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        ObjectNode steps = JSON.createObjectNode();
        opt.states().forEach((name, st) -> {
            steps.put(name, st.step);
            st.buffers.forEach((buf, t) -> tensors.put(name + "." + buf, t));
            if (st.master != null) {
                tensors.put(name + "." + MASTER, st.master);
            }
        });
        ArrayNode groups = JSON.createArrayNode();
        for (ParamGroup g : opt.groups()) {
            ObjectNode o = groups.addObject();
            ArrayNode names = o.putArray("params");
            g.params().keySet().forEach(names::add);
            o.put("lr", g.lr());
            o.put("initial_lr", g.baseLr());
            o.put("weight_decay", g.weightDecay());
        }
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put(KEY_OPTIMIZER, opt.kind());
        meta.put(KEY_STEPS, JSON.writeValueAsString(steps));
        meta.put(KEY_GROUPS, JSON.writeValueAsString(groups));
        meta.put(KEY_HYPER, JSON.writeValueAsString(opt.hyperparameters()));
        TensorFiles.write(file, tensors, meta);
    }

    /** Reads and validates a state for {@code opt}; restores the group hyperparameters only when all is well. */
    static Map<String, ParamState> read(Path file, OptimizerBase opt) throws IOException {
        List<String> problems = new ArrayList<>();
        Map<String, Parameter> params = opt.parametersByName();
        try (SafetensorsCheckpoint ckpt = SafetensorsCheckpoint.open(file)) {
            Map<String, String> meta = ckpt.metadata();
            String kind = meta.get(KEY_OPTIMIZER);
            if (!opt.kind().equals(kind)) {
                problems.add("metadata " + KEY_OPTIMIZER + " is " + (kind == null ? "absent" : "'" + kind + "'")
                        + " but this optimizer is " + opt.kind());
            }
            double[][] groupHyper = readGroups(meta.get(KEY_GROUPS), opt.groups(), problems);
            Map<String, ParamState> states = new LinkedHashMap<>();
            readSteps(meta.get(KEY_STEPS), params, states, problems);
            Map<String, Tensor> loaded = new HashMap<>();
            Set<String> present = new HashSet<>();
            for (TensorEntry e : ckpt.entries()) {
                String name = e.name();
                present.add(name);
                int dot = name.lastIndexOf('.');
                String param = dot < 0 ? name : name.substring(0, dot);
                String buf = dot < 0 ? "" : name.substring(dot + 1);
                Parameter p = params.get(param);
                if (p == null || !(buf.equals(MASTER) || opt.bufferNames().contains(buf))) {
                    problems.add("unexpected tensor '" + name + "' (no such parameter or buffer; buffers are "
                            + opt.bufferNames() + " and " + MASTER + ")");
                    continue;
                }
                int[] shape = TensorFiles.view(ckpt, name).shape();
                if (!Arrays.equals(shape, p.value().shape()) || e.dtype() != DType.F32) {
                    problems.add("tensor '" + name + "': " + e.dtype() + " " + Shape.toString(shape) + " but F32 "
                            + Shape.toString(p.value().shape()) + " is expected");
                    continue;
                }
                if (!states.containsKey(param)) {
                    problems.add("tensor '" + name + "' has no step count in " + KEY_STEPS);
                    continue;
                }
                // state resumes on the device of the parameter it belongs to
                loaded.put(name, TensorScope.outside(() -> TensorFiles.view(ckpt, name).copy().to(p.value().device())));
            }
            for (Map.Entry<String, ParamState> e : states.entrySet()) {
                for (String buf : opt.bufferNames()) {
                    Tensor t = loaded.get(e.getKey() + "." + buf);
                    if (t == null && !present.contains(e.getKey() + "." + buf)) {
                        problems.add("missing tensor '" + e.getKey() + "." + buf + "'");
                    } else if (t != null) {
                        e.getValue().buffers.put(buf, t);
                    }
                }
                e.getValue().master = loaded.get(e.getKey() + "." + MASTER);
            }
            if (!problems.isEmpty()) {
                loaded.values().forEach(Tensor::release);
                throw new OptimizerStateException(file, problems);
            }
            for (int i = 0; i < groupHyper.length; i++) {
                opt.groups().get(i).restore(groupHyper[i][0], groupHyper[i][1], groupHyper[i][2]);
            }
            return states;
        }
    }

    private static JsonNode parse(String json, String key, List<String> problems) {
        if (json == null) {
            problems.add("metadata " + key + " is absent");
            return null;
        }
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException ex) {
            problems.add("metadata " + key + " is not valid JSON: " + ex.getOriginalMessage());
            return null;
        }
    }

    private static double[][] readGroups(String json, List<ParamGroup> groups, List<String> problems) {
        JsonNode node = parse(json, KEY_GROUPS, problems);
        double[][] out = new double[groups.size()][];
        if (node == null) {
            return new double[0][];
        }
        if (!node.isArray() || node.size() != groups.size()) {
            problems.add("metadata " + KEY_GROUPS + " has " + (node.isArray() ? node.size() : "no") + " groups but the"
                    + " optimizer has " + groups.size());
            return new double[0][];
        }
        for (int i = 0; i < groups.size(); i++) {
            JsonNode g = node.get(i);
            List<String> names = new ArrayList<>();
            g.path("params").forEach(n -> names.add(n.asText()));
            List<String> want = new ArrayList<>(groups.get(i).params().keySet());
            if (!names.equals(want)) {
                problems.add("group " + i + " holds " + names + " in the file but " + want + " in the optimizer");
            }
            JsonNode lr = g.get("lr");
            JsonNode base = g.get("initial_lr");
            JsonNode wd = g.get("weight_decay");
            if (lr == null || !lr.isNumber() || base == null || !base.isNumber() || wd == null || !wd.isNumber()) {
                problems.add("group " + i + " lacks numeric lr, initial_lr or weight_decay");
                continue;
            }
            out[i] = new double[]{lr.asDouble(), base.asDouble(), wd.asDouble()};
        }
        return out;
    }

    private static void readSteps(String json, Map<String, Parameter> params, Map<String, ParamState> states,
                                  List<String> problems) {
        JsonNode node = parse(json, KEY_STEPS, problems);
        if (node == null) {
            return;
        }
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            if (!params.containsKey(e.getKey())) {
                problems.add("step count for unknown parameter '" + e.getKey() + "'");
            } else if (!e.getValue().isIntegralNumber() || e.getValue().asLong() < 1) {
                problems.add("step count of '" + e.getKey() + "' is " + e.getValue() + ", not a positive integer");
            } else {
                ParamState st = new ParamState();
                st.step = e.getValue().asLong();
                states.put(e.getKey(), st);
            }
        }
    }
}
