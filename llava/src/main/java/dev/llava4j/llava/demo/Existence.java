package dev.llava4j.llava.demo;

import dev.llava4j.tensor.Generator;
import java.util.ArrayList;
import java.util.List;

/**
 * POPE-style existence questions: positives name a (colour, shape) that is in the image; negatives one that is
 * not, half of the time (when possible) an adversarial one that shares the colour or the shape of a present
 * object, otherwise any absent combination.
 */
final class Existence {

    static final String RANDOM = "random";
    static final String ADVERSARIAL = "adversarial";

    /** A negative question and how it was sampled. */
    record Negative(Question question, String category) {
    }

    private Existence() {
    }

    static Question positive(Scene scene, Generator random) {
        Scene.Kind kind = TrainingRecords.pick(scene.kinds(), random);
        return SceneLanguage.existence(scene, kind.color(), kind.shape());
    }

    static Negative negative(Scene scene, Generator random) {
        List<Scene.Kind> absent = new ArrayList<>();
        List<Scene.Kind> nearMiss = new ArrayList<>();
        for (ShapeColor c : ShapeColor.values()) {
            for (Shape s : Shape.values()) {
                if (scene.count(c, s) == 0) {
                    Scene.Kind k = new Scene.Kind(c, s, 0);
                    absent.add(k);
                    if (scene.count(c) > 0 || scene.count(s) > 0) {
                        nearMiss.add(k);
                    }
                }
            }
        }
        boolean adversarial = !nearMiss.isEmpty() && random.nextInt(2) == 0;
        Scene.Kind k = TrainingRecords.pick(adversarial ? nearMiss : absent, random);
        return new Negative(SceneLanguage.existence(scene, k.color(), k.shape()), adversarial ? ADVERSARIAL : RANDOM);
    }
}
