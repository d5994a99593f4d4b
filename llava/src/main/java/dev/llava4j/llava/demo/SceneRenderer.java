package dev.llava4j.llava.demo;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;

/**
 * Draws a scene with Java2D. Antialiasing is off so every object pixel has exactly its palette colour (the
 * tests read colours back from the PNG).
 */
public final class SceneRenderer {

    /** The light grey background, far from every palette colour. */
    public static final int BACKGROUND = 0xF0F0F0;

    private SceneRenderer() {
    }

    public static BufferedImage render(Scene scene) {
        System.setProperty("java.awt.headless", "true");
        BufferedImage image = new BufferedImage(scene.size(), scene.size(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_OFF);
            g.setColor(new Color(BACKGROUND));
            g.fillRect(0, 0, scene.size(), scene.size());
            for (SceneObject o : scene.objects()) {
                g.setColor(new Color(o.color().rgb()));
                g.fill(outline(o));
            }
        } finally {
            g.dispose();
        }
        return image;
    }

    /** The filled outline of one object; its centre point is inside for every shape. */
    static java.awt.Shape outline(SceneObject o) {
        double r = o.size() / 2;
        double cx = o.centerX();
        double cy = o.centerY();
        return switch (o.shape()) {
            case CIRCLE -> new Ellipse2D.Double(cx - r, cy - r, 2 * r, 2 * r);
            case SQUARE -> new Rectangle2D.Double(cx - r, cy - r, 2 * r, 2 * r);
            case TRIANGLE -> {
                Path2D.Double p = new Path2D.Double();
                p.moveTo(cx, cy - r);
                p.lineTo(cx + r, cy + r);
                p.lineTo(cx - r, cy + r);
                p.closePath();
                yield p;
            }
            case STAR -> star(cx, cy, r, r * 0.45);
        };
    }

    /** A five-pointed star pointing up. */
    private static Path2D star(double cx, double cy, double outer, double inner) {
        Path2D.Double p = new Path2D.Double();
        for (int k = 0; k < 10; k++) {
            double radius = k % 2 == 0 ? outer : inner;
            double angle = -Math.PI / 2 + k * Math.PI / 5;
            double x = cx + radius * Math.cos(angle);
            double y = cy + radius * Math.sin(angle);
            if (k == 0) {
                p.moveTo(x, y);
            } else {
                p.lineTo(x, y);
            }
        }
        p.closePath();
        return p;
    }
}
