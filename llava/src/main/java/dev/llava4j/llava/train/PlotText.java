package dev.llava4j.llava.train;

import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;

/**
 * Whether Java2D can draw text on this machine. A headless server without fontconfig or any font (slim containers,
 * GPU nodes) makes the first text call throw ("Fontconfig head is null"); plots are then drawn without their labels
 * instead of failing the run that writes them. Probed once; -Dllava4j.plot.text=false forces the text-free plots.
 */
public final class PlotText {
    public static final String PROPERTY = "llava4j.plot.text";
    private static Boolean fontsWork;

    private PlotText() {
    }

    public static boolean available() {
        return Boolean.parseBoolean(System.getProperty(PROPERTY, "true")) && fontsWork();
    }

    private static synchronized boolean fontsWork() {
        if (fontsWork == null) {
            fontsWork = probe();
        }
        return fontsWork;
    }

    private static boolean probe() {
        System.setProperty("java.awt.headless", "true");
        try {
            Graphics2D g = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB).createGraphics();
            try {
                g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
                g.getFontMetrics().stringWidth("0");
                g.drawString("0", 0, 8);
            } finally {
                g.dispose();
            }
            return true;
        } catch (Throwable t) {  // InternalError, NullPointerException or UnsatisfiedLinkError from the font stack
            System.err.println("warning: Java2D cannot draw text here (" + t + "); plots are written without labels."
                    + " Installing fontconfig and a font (e.g. Debian's fonts-dejavu-core) brings them back.");
            return false;
        }
    }
}
