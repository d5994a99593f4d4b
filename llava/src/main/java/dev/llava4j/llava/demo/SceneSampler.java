package dev.llava4j.llava.demo;

import dev.llava4j.tensor.Generator;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Draws random scenes: 1-3 objects, each with a random shape and colour, in distinct random grid cells. */
final class SceneSampler {

    static final int MAX_OBJECTS = 3;
    /** Shape size as a fraction of the cell, drawn uniformly from this range. */
    private static final double MIN_FILL = 0.55;
    private static final double MAX_FILL = 0.8;

    private final int imageSize;

    SceneSampler(int imageSize) {
        if (imageSize < 24) {
            throw new IllegalArgumentException("image size must be at least 24 pixels, got " + imageSize);
        }
        this.imageSize = imageSize;
    }

    Scene sample(Generator random) {
        int n = 1 + random.nextInt(MAX_OBJECTS);
        GridCell[] cells = GridCell.values().clone();
        // partial Fisher-Yates: the first n entries become a random choice of distinct cells
        for (int i = 0; i < n; i++) {
            int j = i + random.nextInt(cells.length - i);
            GridCell t = cells[i];
            cells[i] = cells[j];
            cells[j] = t;
        }
        double cellSize = imageSize / 3.0;
        List<SceneObject> objects = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Shape shape = Shape.values()[random.nextInt(Shape.values().length)];
            ShapeColor color = ShapeColor.values()[random.nextInt(ShapeColor.values().length)];
            double size = cellSize * (MIN_FILL + (MAX_FILL - MIN_FILL) * random.nextDouble());
            double slack = (cellSize - size) / 2;
            double cx = (cells[i].column() + 0.5) * cellSize + slack * (2 * random.nextDouble() - 1);
            double cy = (cells[i].row() + 0.5) * cellSize + slack * (2 * random.nextDouble() - 1);
            objects.add(new SceneObject(shape, color, cells[i], cx, cy, size));
        }
        objects.sort(Comparator.comparing(SceneObject::cell));
        return new Scene(imageSize, objects);
    }
}
