package dev.llava4j.llava.demo;

import java.util.ArrayList;
import java.util.List;

/**
 * What the stand-in vision encoder learns to see: for every patch of an image, the colour and the shape of the
 * object whose centre lies in it (class 0 = no object; colour c is {@code c.ordinal() + 1}, likewise shapes).
 *
 * @param image  image path relative to the image folder
 * @param colour per patch (row-major), 0..{@link #COLOUR_CLASSES}-1
 * @param shape  per patch (row-major), 0..{@link #SHAPE_CLASSES}-1
 */
public record PatchLabels(String image, int[] colour, int[] shape) {

    public static final int COLOUR_CLASSES = ShapeColor.values().length + 1;
    public static final int SHAPE_CLASSES = Shape.values().length + 1;

    /** The labels of one image on a {@code grid x grid} patch grid. */
    public static PatchLabels of(String image, Scene scene, int grid) {
        double patch = (double) scene.size() / grid;
        int[] colour = new int[grid * grid];
        int[] shape = new int[grid * grid];
        for (SceneObject o : scene.objects()) {
            int col = Math.min(grid - 1, (int) (o.centerX() / patch));
            int row = Math.min(grid - 1, (int) (o.centerY() / patch));
            colour[row * grid + col] = o.color().ordinal() + 1;
            shape[row * grid + col] = o.shape().ordinal() + 1;
        }
        return new PatchLabels(image, colour, shape);
    }

    /** The labels of the images of one split ("train" / "eval"). */
    public static List<PatchLabels> of(List<SceneFile.Entry> scenes, String split, int grid) {
        List<PatchLabels> out = new ArrayList<>();
        for (SceneFile.Entry e : scenes) {
            if (e.split().equals(split)) {
                out.add(of(e.image(), e.scene(), grid));
            }
        }
        return out;
    }
}
