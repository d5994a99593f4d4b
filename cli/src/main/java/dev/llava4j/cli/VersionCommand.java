package dev.llava4j.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** {@code ./llava4j version}: the llava4j and Java versions. */
@Command(name = "version", description = "Print the llava4j version.")
public final class VersionCommand implements Runnable {

    static String version() {
        try (InputStream in = VersionCommand.class.getResourceAsStream("version.properties")) {
            Properties p = new Properties();
            if (in != null) {
                p.load(in);
            }
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    @Override
    public void run() {
        System.out.println("llava4j " + version() + " (Java " + Runtime.version() + ")");
    }

    /** Gives picocli's --version the same text. */
    public static final class Provider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[]{"llava4j " + version() + " (Java " + Runtime.version() + ")"};
        }
    }
}
