package dev.llava4j.llava.eval.run;

import dev.llava4j.llava.util.ProgressText;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Progress on stderr: count, percentage, answering rate and ETA. On a terminal ({@link Mode#BAR}) one line is
 * redrawn after every batch; otherwise ({@link Mode#LINES}) a plain line is printed each time another
 * {@code lineEvery} questions are done, and at the end. The rate counts only this run's answers.
 */
public final class ProgressBar implements ProgressListener {

    public enum Mode { BAR, LINES, OFF }

    private static final int BAR_WIDTH = 30;

    private final PrintWriter out;
    private final Mode mode;
    private final int lineEvery;
    private final LongSupplier nanoClock;
    private final String label;

    private int total;
    private int done;
    private int doneAtStart;
    private long startNanos;
    private int lastPrintedDone = -1;
    private int lastBarLength;

    /**
     * @param lineEvery questions between two plain lines (LINES mode)
     * @param nanoClock time source, {@code System::nanoTime} outside tests
     * @param label     printed first on each line, e.g. the benchmark name
     */
    public ProgressBar(PrintWriter out, Mode mode, int lineEvery, LongSupplier nanoClock, String label) {
        if (lineEvery <= 0) {
            throw new IllegalArgumentException("lineEvery must be positive, got " + lineEvery);
        }
        this.out = out;
        this.mode = mode;
        this.lineEvery = lineEvery;
        this.nanoClock = nanoClock;
        this.label = label;
    }

    @Override
    public void start(int total, int alreadyDone) {
        this.total = total;
        this.done = alreadyDone;
        this.doneAtStart = alreadyDone;
        this.startNanos = nanoClock.getAsLong();
        if (mode == Mode.BAR) {
            drawBar();
        }
    }

    @Override
    public void advance(int count) {
        int before = done - doneAtStart;
        done += count;
        switch (mode) {
            case BAR -> drawBar();
            case LINES -> {
                if ((done - doneAtStart) / lineEvery > before / lineEvery) {
                    printLine();
                }
            }
            case OFF -> {
            }
        }
    }

    @Override
    public void finish() {
        switch (mode) {
            case BAR -> {
                drawBar();
                out.print('\n');
                out.flush();
            }
            case LINES -> {
                if (lastPrintedDone != done) {
                    printLine();
                }
            }
            case OFF -> {
            }
        }
    }

    /** "label 12/100 (12.0%) 0.50 q/s ETA 2:56" (the rate and ETA are "-" until something was answered). */
    String status() {
        return label + " " + counts();
    }

    private String counts() {
        double pct = total == 0 ? 100 : 100.0 * done / total;
        int answered = done - doneAtStart;
        double seconds = (nanoClock.getAsLong() - startNanos) / 1e9;
        String rate = "-";
        String eta = "-";
        if (answered > 0 && seconds > 0) {
            double perSecond = answered / seconds;
            rate = String.format(Locale.ROOT, "%.2f", perSecond);
            eta = duration(Math.round((total - done) / perSecond));
        }
        return String.format(Locale.ROOT, "%d/%d (%.1f%%) %s q/s ETA %s", done, total, pct, rate, eta);
    }

    static String duration(long seconds) {
        return ProgressText.clock(seconds);
    }

    private void printLine() {
        out.println(status());
        out.flush();
        lastPrintedDone = done;
    }

    private void drawBar() {
        String text = label + " [" + ProgressText.bar(done, total, BAR_WIDTH) + "] " + counts();
        // pad with spaces so a shorter line fully covers the previous one
        String padded = text + " ".repeat(Math.max(0, lastBarLength - text.length()));
        lastBarLength = text.length();
        out.print("\r" + padded);
        out.flush();
    }
}
