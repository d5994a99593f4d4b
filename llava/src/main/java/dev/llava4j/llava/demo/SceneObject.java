package dev.llava4j.llava.demo;

/**
 * One drawn object.
 *
 * @param centerX pixel column of the centre (inside the shape for every shape)
 * @param centerY pixel row of the centre
 * @param size    width and height of the shape's bounding box in pixels
 */
public record SceneObject(Shape shape, ShapeColor color, GridCell cell, double centerX, double centerY, double size) {

    /** "red circle". */
    public String name() {
        return color.word() + " " + shape.word();
    }
}
