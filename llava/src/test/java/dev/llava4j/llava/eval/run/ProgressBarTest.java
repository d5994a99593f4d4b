package dev.llava4j.llava.eval.run;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ProgressBarTest {

    private static final long SECOND = 1_000_000_000L;

    private final AtomicLong clock = new AtomicLong(5 * SECOND);
    private final StringWriter text = new StringWriter();

    private ProgressBar bar(ProgressBar.Mode mode, int every) {
        return new ProgressBar(new PrintWriter(text), mode, every, clock::get, "pope");
    }

    @Test
    void linesModePrintsEveryNAnswersAndAtTheEnd() {
        ProgressBar p = bar(ProgressBar.Mode.LINES, 4);
        p.start(20, 10);
        clock.addAndGet(2 * SECOND);
        p.advance(2);
        clock.addAndGet(2 * SECOND);
        p.advance(2); // 4 answered in 4 s: 1 q/s, 6 left
        clock.addAndGet(SECOND);
        p.advance(1);
        p.finish(); // 5 answered in 5 s: 1 q/s, 5 left
        assertEquals("pope 14/20 (70.0%) 1.00 q/s ETA 0:06\n"
                + "pope 15/20 (75.0%) 1.00 q/s ETA 0:05\n", text.toString());
    }

    @Test
    void finishDoesNotRepeatTheLastLine() {
        ProgressBar p = bar(ProgressBar.Mode.LINES, 2);
        p.start(2, 0);
        clock.addAndGet(8000 * SECOND);
        p.advance(2);
        p.finish();
        assertEquals("pope 2/2 (100.0%) 0.00 q/s ETA 0:00\n", text.toString());
    }

    @Test
    void barModeRedrawsOneLine() {
        ProgressBar p = bar(ProgressBar.Mode.BAR, 1);
        p.start(4, 0);
        clock.addAndGet(3600 * SECOND);
        p.advance(1); // 1 answer per hour, 3 left
        p.finish();
        String empty = "pope [" + ".".repeat(30) + "] 0/4 (0.0%) - q/s ETA -";
        String quarter = "pope [" + "#".repeat(7) + ".".repeat(23) + "] 1/4 (25.0%) 0.00 q/s ETA 3:00:00";
        assertEquals("\r" + empty + "\r" + quarter + "\r" + quarter + "\n", text.toString());
    }

    @Test
    void offModePrintsNothing() {
        ProgressBar p = bar(ProgressBar.Mode.OFF, 1);
        p.start(3, 0);
        p.advance(3);
        p.finish();
        assertEquals("", text.toString());
    }

    @Test
    void durations() {
        assertEquals("0:59", ProgressBar.duration(59));
        assertEquals("59:59", ProgressBar.duration(3599));
        assertEquals("1:00:00", ProgressBar.duration(3600));
        assertEquals("27:46:40", ProgressBar.duration(100_000));
    }
}
