package dev.llava4j.llava.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;

/** The scorer cases under src/test/resources/fixtures/scorers (copied from shared/fixtures/scorers). */
public final class Fixtures {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Fixtures() {
    }

    /** A path inside one benchmark's case folder. */
    public static Path path(String benchmark, String relative) {
        String resource = "/fixtures/scorers/" + benchmark + (relative.isEmpty() ? "" : "/" + relative);
        URL url = Fixtures.class.getResource(resource);
        if (url == null) {
            throw new IllegalStateException("missing test resource " + resource);
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The case's expected.json (Python repr floats, so doubles round-trip exactly). */
    public static JsonNode expected(String benchmark) {
        try {
            return MAPPER.readTree(path(benchmark, "expected.json").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
