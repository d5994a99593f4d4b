package dev.llava4j.llava.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressBarTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void lineShowsProgressMetricsAndEta() {
        AtomicLong clock = new AtomicLong(0);
        ProgressBar bar = new ProgressBar(new PrintStream(new ByteArrayOutputStream()), 100, true, 10, clock::get);
        bar.update(1, 9, 1e-3, 1, 1);
        clock.set(50 * SECOND); // 25 steps in 50 s -> 2 s per step, 75 steps left
        assertEquals("25/100 [#####...............] loss 1.234 lr 2.0e-05 gnorm 0.53 1234 tok/s ETA 2:30",
                bar.line(25, 1.23449, 2e-5, 0.531, 1234.4));
        assertEquals("25/100 [#####...............] loss nan lr 2.0e-05 gnorm nan 1234 tok/s ETA 2:30",
                bar.line(25, Double.NaN, 2e-5, Double.NaN, 1234.4));
    }

    @Test
    void etaCountsOnlyStepsOfThisRun() {
        AtomicLong clock = new AtomicLong(0);
        ProgressBar bar = new ProgressBar(new PrintStream(new ByteArrayOutputStream()), 1000, true, 10, clock::get);
        bar.update(501, 1, 1, 1, 1); // resumed at step 500
        clock.set(10 * SECOND);
        // 10 steps in 10 s -> 490 s left
        String line = bar.line(510, 1, 1, 1, 1);
        assertEquals("ETA 8:10", line.substring(line.length() - 8));
        assertEquals("1:02:03", ProgressBar.clock(3723));
    }

    @Test
    void interactiveRedrawsOneLine() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        AtomicLong clock = new AtomicLong(0);
        ProgressBar bar = new ProgressBar(new PrintStream(bytes, true, StandardCharsets.UTF_8), 2, true, 10,
                clock::get);
        bar.update(1, 1.5, 1e-3, 0.5, 10);
        clock.set(SECOND);
        bar.update(2, 1.0, 1e-3, 0.5, 10);
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertEquals("\r1/2 [##########..........] loss 1.500 lr 1.0e-03 gnorm 0.50 10 tok/s ETA 0:00",
                out.substring(0, out.indexOf('\r', 1)));
        assertEquals(2, out.chars().filter(c -> c == '\r').count());
        assertEquals(1, out.chars().filter(c -> c == '\n').count(), "the line ends once, at the last step");
        assertEquals("\r2/2 [####################] loss 1.000 lr 1.0e-03 gnorm 0.50 10 tok/s ETA 0:00"
                + System.lineSeparator(), out.substring(out.lastIndexOf('\r')));
    }

    @Test
    void plainModePrintsEveryNStepsAndTheLast() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ProgressBar bar = new ProgressBar(new PrintStream(bytes, true, StandardCharsets.UTF_8), 25, false, 10,
                () -> 0L);
        for (int step = 1; step <= 25; step++) {
            bar.update(step, 1, 1e-3, 1, 1);
        }
        String[] lines = bytes.toString(StandardCharsets.UTF_8).split(System.lineSeparator());
        assertEquals(4, lines.length); // first step, 10, 20, 25
        assertEquals("1/25", lines[0].substring(0, 4));
        assertEquals("10/25", lines[1].substring(0, 5));
        assertEquals("25/25", lines[3].substring(0, 5));
        assertEquals(0, bytes.toString(StandardCharsets.UTF_8).chars().filter(c -> c == '\r').count());
    }
}
