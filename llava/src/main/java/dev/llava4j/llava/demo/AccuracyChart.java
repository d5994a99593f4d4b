package dev.llava4j.llava.demo;

import dev.llava4j.llava.train.PlotText;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/** A grouped bar chart of fractions in [0, 1] (one group per metric, one bar per series), drawn with Java2D. */
public final class AccuracyChart {

    static final int WIDTH = 900;
    static final int HEIGHT = 460;
    private static final Color[] SERIES_COLOURS = {new Color(0x3366CC), new Color(0xDC7633), new Color(0x28A745)};

    /**
     * One series: a name and one value per group (NaN = no bar).
     */
    public record Series(String name, double[] values) {
    }

    private AccuracyChart() {
    }

    public static void write(Path png, String title, List<String> groups, List<Series> series) throws IOException {
        if (series.isEmpty() || series.size() > SERIES_COLOURS.length) {
            throw new IllegalArgumentException("a chart needs 1.." + SERIES_COLOURS.length + " series, got "
                    + series.size());
        }
        for (Series s : series) {
            if (s.values().length != groups.size()) {
                throw new IllegalArgumentException("series '" + s.name() + "' has " + s.values().length
                        + " values for " + groups.size() + " groups");
            }
        }
        System.setProperty("java.awt.headless", "true");
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            draw(g, title, groups, series);
        } finally {
            g.dispose();
        }
        Files.createDirectories(png.toAbsolutePath().getParent());
        if (!ImageIO.write(image, "png", png.toFile())) {
            throw new IOException("no PNG writer available to write " + png);
        }
    }

    private static void draw(Graphics2D g, String title, List<String> groups, List<Series> series) {
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, WIDTH, HEIGHT);
        int left = 60;
        int right = WIDTH - 20;
        int top = 60;
        int bottom = HEIGHT - 70;
        boolean text = PlotText.available();
        g.setColor(Color.BLACK);
        FontMetrics fm = null;
        if (text) {
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
            g.drawString(title, left, 30);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            fm = g.getFontMetrics();
        }
        for (int t = 0; t <= 5; t++) { // y grid at 0, 0.2, ..., 1
            int y = bottom - (bottom - top) * t / 5;
            g.setColor(new Color(0xE0E0E0));
            g.drawLine(left, y, right, y);
            g.setColor(Color.DARK_GRAY);
            if (text) {
                String label = String.format(Locale.ROOT, "%.1f", t / 5.0);
                g.drawString(label, left - 8 - fm.stringWidth(label), y + fm.getAscent() / 2);
            }
        }
        g.setColor(Color.BLACK);
        g.setStroke(new BasicStroke(1.2f));
        g.drawLine(left, bottom, right, bottom);
        g.drawLine(left, top, left, bottom);
        double groupWidth = (double) (right - left) / groups.size();
        double barWidth = groupWidth * 0.7 / series.size();
        for (int gi = 0; gi < groups.size(); gi++) {
            double x0 = left + gi * groupWidth + groupWidth * 0.15;
            for (int si = 0; si < series.size(); si++) {
                double v = series.get(si).values()[gi];
                if (!Double.isFinite(v)) {
                    continue;
                }
                double clamped = Math.max(0, Math.min(1, v));
                int h = (int) Math.round((bottom - top) * clamped);
                int x = (int) Math.round(x0 + si * barWidth);
                g.setColor(SERIES_COLOURS[si]);
                g.fillRect(x, bottom - h, (int) Math.max(1, barWidth - 2), h);
                if (text) {
                    g.setColor(Color.BLACK);
                    String label = String.format(Locale.ROOT, "%.2f", v);
                    g.drawString(label, x + (int) (barWidth - 2 - fm.stringWidth(label)) / 2, bottom - h - 3);
                }
            }
            if (text) {
                String name = groups.get(gi);
                g.drawString(name, (int) (left + gi * groupWidth + (groupWidth - fm.stringWidth(name)) / 2),
                        bottom + fm.getHeight() + 2);
            }
        }
        int lx = left;
        for (int si = 0; si < series.size(); si++) { // legend under the axis
            g.setColor(SERIES_COLOURS[si]);
            g.fillRect(lx, HEIGHT - 28, 14, 14);
            if (text) {
                g.setColor(Color.BLACK);
                g.drawString(series.get(si).name(), lx + 20, HEIGHT - 16);
            }
            lx += 40 + (text ? fm.stringWidth(series.get(si).name()) : 60);
        }
    }
}
