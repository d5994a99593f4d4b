package dev.llava4j.llava.demo;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One image of the demo world: 1-3 objects in distinct cells of a 3x3 grid, listed in reading order.
 *
 * @param size image width and height in pixels
 */
public record Scene(int size, List<SceneObject> objects) {

    public Scene {
        objects = List.copyOf(objects);
        if (objects.isEmpty()) {
            throw new IllegalArgumentException("a scene needs at least one object");
        }
    }

    /** Number of objects of a shape. */
    public int count(Shape shape) {
        return (int) objects.stream().filter(o -> o.shape() == shape).count();
    }

    public int count(ShapeColor color) {
        return (int) objects.stream().filter(o -> o.color() == color).count();
    }

    public int count(ShapeColor color, Shape shape) {
        return (int) objects.stream().filter(o -> o.color() == color && o.shape() == shape).count();
    }

    /** A (colour, shape) combination and how many objects of it the scene has. */
    public record Kind(ShapeColor color, Shape shape, int count) {
    }

    /** Distinct (colour, shape) kinds in reading order of their first object. */
    public List<Kind> kinds() {
        Map<String, Kind> kinds = new LinkedHashMap<>();
        for (SceneObject o : objects) {
            kinds.merge(o.name(), new Kind(o.color(), o.shape(), 1),
                    (a, b) -> new Kind(a.color(), a.shape(), a.count() + 1));
        }
        return List.copyOf(kinds.values());
    }

    /** What identifies the scene regardless of jitter: used to keep evaluation scenes out of training. */
    public String layoutKey() {
        List<String> parts = new ArrayList<>();
        for (SceneObject o : objects) {
            parts.add(o.cell() + ":" + o.color() + ":" + o.shape());
        }
        return String.join(",", parts);
    }
}
