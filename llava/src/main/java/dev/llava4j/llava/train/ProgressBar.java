package dev.llava4j.llava.train;

import dev.llava4j.llava.util.ProgressText;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Training progress on the terminal. Interactive: one line redrawn in place with {@code \r},
 * {@code 120/500 [####................] loss 1.234 lr 2.0e-05 gnorm 0.53 1234 tok/s ETA 01:23}. Not a terminal
 * (output redirected to a file or a CI log): the same line printed plainly every {@code plainEvery} steps and
 * at the last step, so logs do not fill with carriage returns.
 *
 * <p>The ETA extrapolates the time per step measured since the bar was created, so a resumed run estimates
 * from its own speed.
 */
public final class ProgressBar {

    static final int BAR_WIDTH = 20;

    private final PrintStream out;
    private final long total;
    private final boolean interactive;
    private final int plainEvery;
    private final LongSupplier nanoClock;
    private final long startNanos;
    private long firstStep = -1;
    private int lastLineLength;
    private boolean lineOpen;

    /**
     * @param total       the last step number
     * @param interactive redraw in place (true) or print plain lines (false)
     * @param plainEvery  in plain mode, print every this many steps
     * @param nanoClock   time source ({@code System::nanoTime}; tests pass a fake)
     */
    public ProgressBar(PrintStream out, long total, boolean interactive, int plainEvery, LongSupplier nanoClock) {
        if (total < 1) {
            throw new IllegalArgumentException("total steps must be positive, got " + total);
        }
        if (plainEvery < 1) {
            throw new IllegalArgumentException("plainEvery must be positive, got " + plainEvery);
        }
        this.out = out;
        this.total = total;
        this.interactive = interactive;
        this.plainEvery = plainEvery;
        this.nanoClock = nanoClock;
        this.startNanos = nanoClock.getAsLong();
    }

    /** Interactive when a console is attached ({@code System.console() != null}), else a plain line every 10 steps. */
    public static ProgressBar forTerminal(PrintStream out, long total) {
        return new ProgressBar(out, total, System.console() != null, 10, System::nanoTime);
    }

    /** Reports the step just completed (1-based; NaN values are shown as "nan"). */
    public void update(long step, double loss, double lr, double gradNorm, double tokensPerSecond) {
        if (firstStep < 0) {
            firstStep = step - 1; // steps before the first report were done by an earlier run
        }
        String line = line(step, loss, lr, gradNorm, tokensPerSecond);
        if (interactive) {
            // Pad with spaces so a shorter line fully covers the previous one.
            int pad = Math.max(0, lastLineLength - line.length());
            out.print("\r" + line + " ".repeat(pad));
            lastLineLength = line.length();
            lineOpen = true;
            if (step >= total) {
                finish();
            }
        } else if (step % plainEvery == 0 || step >= total || step == firstStep + 1) {
            out.println(line);
        }
        out.flush();
    }

    /** Ends the redrawn line (call before printing anything else, and when training ends early). */
    public void finish() {
        if (lineOpen) {
            out.println();
            lineOpen = false;
            lastLineLength = 0;
        }
        out.flush();
    }

    String line(long step, double loss, double lr, double gradNorm, double tokensPerSecond) {
        String bar = ProgressText.bar(step, total, BAR_WIDTH);
        return String.format(Locale.ROOT, "%d/%d [%s] loss %s lr %s gnorm %s %s tok/s ETA %s", step, total, bar,
                fixed(loss, 3), scientific(lr), fixed(gradNorm, 2), fixed(tokensPerSecond, 0), eta(step));
    }

    private String eta(long step) {
        long stepsDone = step - firstStep;
        if (stepsDone <= 0) {
            return "--:--";
        }
        double nanosPerStep = (double) (nanoClock.getAsLong() - startNanos) / stepsDone;
        return clock(Math.max(0, total - step) * nanosPerStep / 1e9);
    }

    static String clock(double seconds) {
        return ProgressText.clock(seconds);
    }

    private static String fixed(double v, int decimals) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%." + decimals + "f", v) : "nan";
    }

    private static String scientific(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.1e", v) : "nan";
    }
}
