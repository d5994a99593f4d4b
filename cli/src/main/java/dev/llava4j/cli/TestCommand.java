package dev.llava4j.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code ./llava4j test}: runs the whole test suite through the Maven wrapper. The launcher script runs the wrapper
 * directly (so no jar has to be built first); this command exists so that the jar can do the same from the repo root.
 */
@Command(name = "test", description = "Run the test suite (./mvnw test) with this JDK. Extra arguments go to Maven.")
public final class TestCommand implements Callable<Integer> {
    @Parameters(arity = "0..*", description = "Extra Maven arguments, e.g. -Dtest=TensorTest")
    List<String> mavenArgs = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        File mvnw = new File("mvnw");
        if (!mvnw.canExecute()) {
            System.err.println("error: ./mvnw not found; run this from the llava4j repository root");
            return 2;
        }
        List<String> cmd = new ArrayList<>(List.of("./mvnw", "-B", "test"));
        cmd.addAll(mavenArgs);
        ProcessBuilder pb = new ProcessBuilder(cmd).inheritIO();
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        return pb.start().waitFor();
    }
}
