package dev.llava4j.backend.cuda;

import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectPackage;

/**
 * Runs this module's tests without Maven, for a GPU machine that has a Java runtime but no build tools or network
 * (bench/gpu-check.sh with a staged build). Prints one line per test (PASS / FAIL / SKIP with the reason), the
 * stack trace of each failure, and a closing summary line; exits 1 if anything failed.
 */
public final class GpuTestMain {
    private GpuTestMain() {
    }

    public static void main(String[] args) {
        String pkg = args.length > 0 ? args[0] : GpuTestMain.class.getPackageName();
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request().selectors(selectPackage(pkg)).build();
        Counts counts = new Counts();
        Launcher launcher = LauncherFactory.create();
        launcher.execute(request, counts);
        System.out.printf("tests=%d passed=%d failures=%d skipped=%d%n", counts.passed.get() + counts.failed.get()
                + counts.skipped.get(), counts.passed.get(), counts.failed.get(), counts.skipped.get());
        System.exit(counts.failed.get() == 0 ? 0 : 1);
    }

    /** Tallies leaf tests (containers only when they fail or are skipped as a whole). */
    private static final class Counts implements TestExecutionListener {
        final AtomicInteger passed = new AtomicInteger();
        final AtomicInteger failed = new AtomicInteger();
        final AtomicInteger skipped = new AtomicInteger();

        @Override
        public void executionSkipped(TestIdentifier test, String reason) {
            skipped.incrementAndGet();
            System.out.println("SKIP " + name(test) + ": " + reason);
        }

        @Override
        public void executionFinished(TestIdentifier test, TestExecutionResult result) {
            boolean ok = result.getStatus() == TestExecutionResult.Status.SUCCESSFUL;
            if (ok && !test.isTest()) {
                return;
            }
            if (ok) {
                passed.incrementAndGet();
                System.out.println("PASS " + name(test));
            } else if (result.getStatus() == TestExecutionResult.Status.ABORTED) {
                skipped.incrementAndGet();
                System.out.println("SKIP " + name(test) + ": " + result.getThrowable().map(Throwable::getMessage).orElse("aborted"));
            } else {
                failed.incrementAndGet();
                System.out.println("FAIL " + name(test));
                result.getThrowable().ifPresent(t -> {
                    StringWriter trace = new StringWriter();
                    t.printStackTrace(new PrintWriter(trace));
                    System.out.println(trace.toString().lines().limit(25).map(l -> "    " + l)
                            .reduce((a, b) -> a + System.lineSeparator() + b).orElse(""));
                });
            }
        }

        private static String name(TestIdentifier test) {
            String id = test.getUniqueId();
            // the simple class name from "[engine:junit-jupiter]/[class:a.b.C]/[method:m()]", then the display name
            String cls = id.replaceAll(".*\\[class:([^\\]]*)\\].*", "$1");
            cls = cls.substring(cls.lastIndexOf('.') + 1);
            return cls + " " + test.getDisplayName();
        }
    }
}
