package dev.llava4j.llava.train;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * Draws the training-loss curve to a PNG with Java2D (headless): the raw per-step loss, and when there are
 * enough points an exponential moving average on top, with ticked and labelled axes and a title.
 */
public final class LossPlot {

    public static final int WIDTH = 900;
    public static final int HEIGHT = 540;
    /** Points from which on the smoothed curve is drawn. */
    static final int SMOOTH_FROM = 20;

    private static final int LEFT = 80;
    private static final int RIGHT = 30;
    private static final int TOP = 50;
    private static final int BOTTOM = 60;
    private static final Color RAW = new Color(150, 185, 230);
    private static final Color SMOOTH = new Color(20, 70, 160);
    private static final Color GRID = new Color(228, 228, 228);

    private LossPlot() {
    }

    /** {@link #write(Path, List, String)} with the title "Training loss". */
    public static void write(Path png, List<double[]> points) throws IOException {
        write(png, points, "Training loss");
    }

    /**
     * @param points (step, loss) pairs in step order; points with a non-finite loss are left out
     */
    public static void write(Path png, List<double[]> points, String title) throws IOException {
        List<double[]> finite = new ArrayList<>();
        for (int i = 0; i < points.size(); i++) {
            double[] p = points.get(i);
            if (p.length != 2) {
                throw new IllegalArgumentException("point " + i + " has " + p.length + " values; expected (step, loss)");
            }
            if (Double.isFinite(p[0]) && Double.isFinite(p[1])) {
                finite.add(p);
            }
        }
        if (finite.isEmpty()) {
            throw new IllegalArgumentException("no finite (step, loss) point to plot into " + png);
        }
        System.setProperty("java.awt.headless", "true");
        BufferedImage image = render(finite, title);
        Path parent = png.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        if (!ImageIO.write(image, "png", png.toFile())) {
            throw new IOException("no PNG writer available to write " + png);
        }
    }

    static BufferedImage render(List<double[]> points, String title) {
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, HEIGHT);

            double minStep = points.getFirst()[0];
            double maxStep = points.getLast()[0];
            double minLoss = Double.POSITIVE_INFINITY;
            double maxLoss = Double.NEGATIVE_INFINITY;
            for (double[] p : points) {
                minStep = Math.min(minStep, p[0]);
                maxStep = Math.max(maxStep, p[0]);
                minLoss = Math.min(minLoss, p[1]);
                maxLoss = Math.max(maxLoss, p[1]);
            }
            AxisTicks xTicks = AxisTicks.nice(minStep, maxStep, 8);
            AxisTicks yTicks = AxisTicks.nice(minLoss, maxLoss, 6);
            Frame frame = new Frame(xTicks, yTicks);

            boolean text = PlotText.available();
            drawGridAndAxes(g, frame, text);
            g.setStroke(new BasicStroke(points.size() > 500 ? 1f : 1.5f));
            g.setColor(points.size() >= SMOOTH_FROM ? RAW : SMOOTH);
            g.draw(curve(points, frame));
            if (points.size() >= SMOOTH_FROM) {
                g.setColor(SMOOTH);
                g.setStroke(new BasicStroke(2.2f));
                g.draw(curve(smoothed(points), frame));
                if (text) {
                    drawLegend(g);
                }
            }
            if (text) {
                drawTitle(g, title, points);
            }
        } finally {
            g.dispose();
        }
        return image;
    }

    /** Data-to-pixel mapping of the plot area. */
    private record Frame(AxisTicks x, AxisTicks y) {
        double px(double step) {
            return LEFT + (step - x.min()) / (x.max() - x.min()) * (WIDTH - LEFT - RIGHT);
        }

        double py(double loss) {
            return HEIGHT - BOTTOM - (loss - y.min()) / (y.max() - y.min()) * (HEIGHT - TOP - BOTTOM);
        }
    }

    private static void drawGridAndAxes(Graphics2D g, Frame f, boolean text) {
        if (text) {
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        }
        FontMetrics fm = text ? g.getFontMetrics() : null;
        int bottom = HEIGHT - BOTTOM;
        int right = WIDTH - RIGHT;
        for (double t : f.y().ticks()) {
            int y = (int) Math.round(f.py(t));
            g.setColor(GRID);
            g.drawLine(LEFT, y, right, y);
            g.setColor(Color.DARK_GRAY);
            g.drawLine(LEFT - 5, y, LEFT, y);
            if (text) {
                String label = f.y().label(t);
                g.drawString(label, LEFT - 8 - fm.stringWidth(label), y + fm.getAscent() / 2 - 1);
            }
        }
        for (double t : f.x().ticks()) {
            int x = (int) Math.round(f.px(t));
            g.setColor(GRID);
            g.drawLine(x, TOP, x, bottom);
            g.setColor(Color.DARK_GRAY);
            g.drawLine(x, bottom, x, bottom + 5);
            if (text) {
                String label = f.x().label(t);
                g.drawString(label, x - fm.stringWidth(label) / 2, bottom + 8 + fm.getAscent());
            }
        }
        g.setColor(Color.BLACK);
        g.setStroke(new BasicStroke(1.2f));
        g.drawLine(LEFT, TOP, LEFT, bottom);
        g.drawLine(LEFT, bottom, right, bottom);
        if (!text) {
            return;
        }
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
        FontMetrics lm = g.getFontMetrics();
        String xLabel = "optimizer step";
        g.drawString(xLabel, LEFT + (right - LEFT - lm.stringWidth(xLabel)) / 2, HEIGHT - 14);
        String yLabel = "loss";
        AffineTransform saved = g.getTransform();
        g.rotate(-Math.PI / 2);
        // rotated frame: x runs upwards (negated), y runs right
        g.drawString(yLabel, -(TOP + (bottom - TOP + lm.stringWidth(yLabel)) / 2), 22);
        g.setTransform(saved);
    }

    private static Path2D curve(List<double[]> points, Frame f) {
        Path2D.Double path = new Path2D.Double();
        boolean first = true;
        for (double[] p : points) {
            if (first) {
                path.moveTo(f.px(p[0]), f.py(p[1]));
                first = false;
            } else {
                path.lineTo(f.px(p[0]), f.py(p[1]));
            }
        }
        if (points.size() == 1) {
            path.lineTo(f.px(points.getFirst()[0]) + 0.5, f.py(points.getFirst()[1])); // one point: a visible dot
        }
        return path;
    }

    /**
     * Exponential moving average with a bias correction (as TensorBoard's smoothing), so the curve starts at
     * the data rather than at zero. The averaging window grows with the run (about 1/50 of the points, 5 to
     * 200) so that short runs are not smoothed into a lagging line and long runs are not left noisy.
     */
    static List<double[]> smoothed(List<double[]> points) {
        double window = Math.clamp(points.size() / 50.0, 5.0, 200.0);
        double beta = 1 - 1 / window;
        List<double[]> out = new ArrayList<>(points.size());
        double avg = 0;
        double weight = 0;
        for (double[] p : points) {
            avg = beta * avg + (1 - beta) * p[1];
            weight = beta * weight + (1 - beta);
            out.add(new double[] {p[0], avg / weight});
        }
        return out;
    }

    private static void drawLegend(Graphics2D g) {
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        FontMetrics fm = g.getFontMetrics();
        int x = WIDTH - RIGHT - 150;
        int y = TOP + 12;
        g.setColor(new Color(255, 255, 255, 220));
        g.fillRect(x - 8, y - 10, 150, 44);
        g.setStroke(new BasicStroke(2f));
        g.setColor(RAW);
        g.drawLine(x, y, x + 24, y);
        g.setColor(SMOOTH);
        g.drawLine(x, y + 20, x + 24, y + 20);
        g.setColor(Color.DARK_GRAY);
        g.drawString("per step", x + 32, y + fm.getAscent() / 2 - 1);
        g.drawString("smoothed", x + 32, y + 20 + fm.getAscent() / 2 - 1);
    }

    private static void drawTitle(Graphics2D g, String title, List<double[]> points) {
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 17));
        FontMetrics fm = g.getFontMetrics();
        g.drawString(title, (WIDTH - fm.stringWidth(title)) / 2, 30);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        String last = String.format(Locale.ROOT, "last: step %d, loss %.4f",
                (long) points.getLast()[0], points.getLast()[1]);
        g.setColor(Color.DARK_GRAY);
        g.drawString(last, WIDTH - RIGHT - g.getFontMetrics().stringWidth(last), 30);
    }
}
