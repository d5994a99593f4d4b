package dev.llava4j.tensor.testing;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;

/** Locates test fixture files copied into the test resources (classpath folder "fixtures/"). */
public final class Fixtures {
    private Fixtures() {
    }

    public static Path path(String relative) {
        URL url = Fixtures.class.getClassLoader().getResource("fixtures/" + relative);
        if (url == null) {
            throw new IllegalStateException("test fixture not found on the classpath: fixtures/" + relative);
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
