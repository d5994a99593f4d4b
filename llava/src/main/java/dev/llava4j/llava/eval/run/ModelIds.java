package dev.llava4j.llava.eval.run;

import java.nio.file.Path;

/** The answer lines' model_id, named from the checkpoint folder as LLaVA's get_model_name_from_path does. */
public final class ModelIds {

    private ModelIds() {
    }

    /**
     * The folder name; for a trainer folder {@code .../run/checkpoint-500} it is {@code run_checkpoint-500}.
     * The path is made absolute first, so "." and "model/" name the real folder.
     */
    public static String fromPath(Path modelDir) {
        Path p = modelDir.toAbsolutePath().normalize();
        Path name = p.getFileName();
        if (name == null) {
            throw new IllegalArgumentException("cannot name a model after the root folder " + p);
        }
        String last = name.toString();
        Path parent = p.getParent();
        if (last.startsWith("checkpoint-") && parent != null && parent.getFileName() != null) {
            return parent.getFileName() + "_" + last;
        }
        return last;
    }
}
