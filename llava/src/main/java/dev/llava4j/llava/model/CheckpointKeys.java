package dev.llava4j.llava.model;

import java.util.Optional;

/**
 * Maps the key spellings of the known LLaVA checkpoint layouts onto llava4j's (= llava-hf's original) names:
 * <ul>
 *   <li>newer transformers: {@code model.language_model.X}, {@code lm_head}, {@code model.vision_tower.X},
 *       {@code model.multi_modal_projector.X};</li>
 *   <li>haotian-liu/LLaVA: {@code model.X} (LLM), {@code lm_head}, {@code model.mm_projector.{0,2}} (or
 *       {@code model.mm_projector} for a linear projector), {@code model.vision_tower.vision_tower.vision_model.X};</li>
 *   <li>a CLIP checkpoint given separately: {@code vision_model.X}.</li>
 * </ul>
 * Buffers that are recomputed ({@code rotary_emb.inv_freq}, {@code position_ids}) and CLIP's text side are dropped.
 */
public final class CheckpointKeys {
    private CheckpointKeys() {
    }

    /** The canonical name, or empty when the tensor is to be ignored. */
    public static Optional<String> canonical(String key, LlavaConfig.Layout layout, boolean newHfLayout) {
        if (key.endsWith(".rotary_emb.inv_freq") || key.endsWith("embeddings.position_ids")
                || key.startsWith("text_model.") || key.startsWith("visual_projection") || key.startsWith("text_projection")
                || key.equals("logit_scale")) {
            return Optional.empty();
        }
        if (key.startsWith("vision_model.")) {
            return Optional.of("vision_tower." + key);
        }
        if (layout == LlavaConfig.Layout.ORIGINAL) {
            return Optional.of(original(key));
        }
        if (newHfLayout) {
            if (key.startsWith("model.language_model.")) {
                return Optional.of("language_model.model." + key.substring("model.language_model.".length()));
            }
            if (key.equals("lm_head.weight")) {
                return Optional.of("language_model.lm_head.weight");
            }
            if (key.startsWith("model.vision_tower.")) {
                return Optional.of(key.substring("model.".length()));
            }
            if (key.startsWith("model.multi_modal_projector.")) {
                return Optional.of(key.substring("model.".length()));
            }
        }
        return Optional.of(key);
    }

    private static String original(String key) {
        if (key.startsWith("model.vision_tower.vision_tower.")) {
            return "vision_tower." + key.substring("model.vision_tower.vision_tower.".length());
        }
        if (key.startsWith("model.mm_projector.")) {
            String rest = key.substring("model.mm_projector.".length());
            int dot = rest.indexOf('.');
            String first = rest.substring(0, dot);
            if (first.chars().allMatch(Character::isDigit)) {
                // Sequential indices 0, 2, 4 (GELU modules sit between) -> linear_1, linear_2, linear_3
                int linear = Integer.parseInt(first) / 2 + 1;
                return "multi_modal_projector.linear_" + linear + rest.substring(dot);
            }
            return "multi_modal_projector.linear_1." + rest;
        }
        if (key.equals("lm_head.weight")) {
            return "language_model.lm_head.weight";
        }
        if (key.startsWith("model.")) {
            return "language_model." + key;
        }
        return key;
    }
}
