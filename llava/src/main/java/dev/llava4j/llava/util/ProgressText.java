package dev.llava4j.llava.util;

import java.util.Locale;

/** The text pieces shared by llava4j's progress displays (training steps, evaluation questions). */
public final class ProgressText {
    private ProgressText() {
    }

    /** A bar of {@code width} characters, '#' for the done fraction and '.' for the rest. */
    public static String bar(long done, long total, int width) {
        int filled = total <= 0 ? width : (int) (Math.max(0, Math.min(done, total)) * width / total);
        return "#".repeat(filled) + ".".repeat(width - filled);
    }

    /** m:ss, or h:mm:ss from one hour on. */
    public static String clock(double seconds) {
        long s = Math.round(seconds);
        long h = s / 3600;
        long m = s % 3600 / 60;
        long sec = s % 60;
        return h > 0 ? String.format(Locale.ROOT, "%d:%02d:%02d", h, m, sec) : String.format(Locale.ROOT, "%d:%02d", m, sec);
    }
}
