package dev.llava4j.llava.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LossPlotTest {

    @TempDir
    Path dir;

    @Test
    void writesADecodablePngWithTheCurve() throws IOException {
        List<double[]> points = new ArrayList<>();
        for (int step = 1; step <= 200; step++) {
            points.add(new double[] {step, 4.0 * Math.exp(-step / 50.0) + 0.5 + 0.1 * Math.sin(step)});
        }
        points.add(new double[] {201, Double.NaN}); // left out, not fatal
        Path png = dir.resolve("plots/loss.png");
        LossPlot.write(png, points);
        assertTrue(Files.size(png) > 0);
        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(LossPlot.WIDTH, image.getWidth());
        assertEquals(LossPlot.HEIGHT, image.getHeight());
        // the smoothed curve's colour appears, and the plot is not blank
        int curvePixels = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                if ((image.getRGB(x, y) & 0xFFFFFF) == 0x1446A0) {
                    curvePixels++;
                }
            }
        }
        assertTrue(curvePixels > 200, "only " + curvePixels + " pixels of the smoothed curve");
    }

    @Test
    void aSinglePointAndAFlatSeriesStillPlot() throws IOException {
        LossPlot.write(dir.resolve("one.png"), List.<double[]>of(new double[] {1, 2.0}));
        LossPlot.write(dir.resolve("flat.png"), List.of(new double[] {1, 2.0}, new double[] {2, 2.0}));
        assertEquals(LossPlot.WIDTH, ImageIO.read(dir.resolve("flat.png").toFile()).getWidth());
    }

    @Test
    void withoutTextTheCurveIsStillDrawnAndTheTitleAreaStaysBlank() throws IOException {
        List<double[]> points = List.of(new double[] {1, 3.0}, new double[] {2, 2.0}, new double[] {3, 1.5});
        String before = System.getProperty(PlotText.PROPERTY);
        System.setProperty(PlotText.PROPERTY, "false");  // as on a machine whose Java2D has no font
        try {
            LossPlot.write(dir.resolve("plain.png"), points, "a title");
        } finally {
            if (before == null) {
                System.clearProperty(PlotText.PROPERTY);
            } else {
                System.setProperty(PlotText.PROPERTY, before);
            }
        }
        BufferedImage plain = ImageIO.read(dir.resolve("plain.png").toFile());
        assertEquals(LossPlot.WIDTH, plain.getWidth());
        assertTrue(darkPixels(plain, 0, 0, LossPlot.WIDTH, 40) == 0, "title band blank without text");
        assertTrue(darkPixels(plain, 80, 50, LossPlot.WIDTH - 110, LossPlot.HEIGHT - 110) > 0, "curve and axes drawn");
        if (PlotText.available()) {  // with fonts the same plot has its title
            LossPlot.write(dir.resolve("titled.png"), points, "a title");
            assertTrue(darkPixels(ImageIO.read(dir.resolve("titled.png").toFile()), 0, 0, LossPlot.WIDTH, 40) > 0);
        }
    }

    private static int darkPixels(BufferedImage image, int x0, int y0, int w, int h) {
        int n = 0;
        for (int y = y0; y < y0 + h; y++) {
            for (int x = x0; x < x0 + w; x++) {
                int rgb = image.getRGB(x, y);
                if (((rgb >> 16) & 0xff) + ((rgb >> 8) & 0xff) + (rgb & 0xff) < 3 * 160) {
                    n++;
                }
            }
        }
        return n;
    }

    @Test
    void rejectsNothingToPlot() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LossPlot.write(dir.resolve("x.png"), List.<double[]>of(new double[] {1, Double.NaN})));
        assertTrue(e.getMessage().contains("x.png"), e.getMessage());
    }

    @Test
    void ticksAreRound() {
        AxisTicks y = AxisTicks.nice(0.43, 4.38, 6);
        assertEquals(1.0, y.step(), 1e-12);
        assertEquals(List.of(0.0, 1.0, 2.0, 3.0, 4.0, 5.0), y.ticks());
        AxisTicks x = AxisTicks.nice(1, 200, 8);
        assertEquals(50.0, x.step(), 1e-12);
        assertEquals(0.0, x.min());
        assertEquals(200.0, x.max());
        AxisTicks fine = AxisTicks.nice(0.0, 1.0, 6);
        assertEquals(0.2, fine.step(), 1e-12);
        assertEquals("0.6", fine.label(fine.ticks().get(3)));
        assertEquals("2.0e-05", AxisTicks.nice(0, 1e-4, 5).label(2e-5));
    }

    @Test
    void smoothingStartsAtTheDataAndFollowsIt() {
        List<double[]> flat = List.of(new double[] {1, 3.0}, new double[] {2, 3.0}, new double[] {3, 3.0});
        for (double[] p : LossPlot.smoothed(flat)) {
            assertEquals(3.0, p[1], 1e-12);
        }
        List<double[]> step = LossPlot.smoothed(List.of(new double[] {1, 0.0}, new double[] {2, 10.0}));
        // bias-corrected EMA, window 5 -> beta 0.8: (0.8*0.2*0 + 0.2*10) / (1 - 0.64) = 2 / 0.36
        assertEquals(2 / 0.36, step.get(1)[1], 1e-12);
    }
}
