package dev.llava4j.llava.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Where a run stands, saved with every checkpoint: the optimizer step, the data position (epoch and index into that
 * epoch's sample order), the dropout generator state and the planned total, so that --resume continues bit-identically.
 */
public record TrainerState(long step, int epoch, int position, long rngState, long totalSteps, double lastLoss) {

    public static final String FILE = "trainer_state.json";

    public void write(Path dir) throws IOException {
        ObjectMapper om = new ObjectMapper();
        ObjectNode n = om.createObjectNode();
        n.put("step", step);
        n.put("epoch", epoch);
        n.put("position", position);
        n.put("rng_state", rngState);
        n.put("total_steps", totalSteps);
        n.put("last_loss", lastLoss);
        om.writerWithDefaultPrettyPrinter().writeValue(dir.resolve(FILE).toFile(), n);
    }

    public static TrainerState read(Path dir) throws IOException {
        Path f = dir.resolve(FILE);
        JsonNode n;
        try {
            n = new ObjectMapper().readTree(f.toFile());
        } catch (IOException e) {
            throw new IOException(f + ": cannot read trainer state: " + e.getMessage(), e);
        }
        for (String field : new String[]{"step", "epoch", "position", "rng_state", "total_steps"}) {
            if (!n.hasNonNull(field) || !n.get(field).isIntegralNumber()) {
                throw new IOException(f + ": field '" + field + "' missing or not an integer");
            }
        }
        return new TrainerState(n.get("step").asLong(), n.get("epoch").asInt(), n.get("position").asInt(),
                n.get("rng_state").asLong(), n.get("total_steps").asLong(), n.path("last_loss").asDouble(Double.NaN));
    }
}
