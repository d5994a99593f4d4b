package dev.llava4j.llava.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AccuracyChartTest {

    @TempDir
    Path dir;

    @Test
    void writesAPngWithBars() throws IOException {
        Path png = dir.resolve("plots/accuracy.png");
        AccuracyChart.write(png, "t", List.of("a", "b"), List.of(
                new AccuracyChart.Series("mlp", new double[] {1.0, 0.5}),
                new AccuracyChart.Series("linear", new double[] {0.25, Double.NaN})));
        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(AccuracyChart.WIDTH, image.getWidth());
        assertEquals(AccuracyChart.HEIGHT, image.getHeight());
        // just above the x axis inside the first bar (value 1.0) the pixel is the first series' colour, not white
        int bottom = AccuracyChart.HEIGHT - 70;
        int firstBarX = 60 + (int) ((AccuracyChart.WIDTH - 80) / 2.0 * 0.15) + 5;
        assertNotEquals(0xFFFFFF, image.getRGB(firstBarX, bottom - 5) & 0xFFFFFF);
    }

    @Test
    void rejectsMismatchedSeries() {
        assertThrows(IllegalArgumentException.class, () -> AccuracyChart.write(dir.resolve("x.png"), "t",
                List.of("a", "b"), List.of(new AccuracyChart.Series("s", new double[] {1}))));
    }
}
