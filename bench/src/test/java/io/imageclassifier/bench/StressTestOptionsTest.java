package io.imageclassifier.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URI;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class StressTestOptionsTest {

    private static final Path ROOT = Path.of("/repo");

    private static StressTestOptions parse(String... args) {
        return StressTestOptions.parse(args, ROOT);
    }

    @Test
    void defaultsAreTheOriginalStressTest() {
        assertEquals(new StressTestOptions(500, 0.05, URI.create("http://localhost/predict"),
                Path.of("/repo/runtime/testdata/dog.jpg"), Path.of("/repo/runtime/logs/model-daemon.log"), 60), parse());
    }

    @Test
    void everyOptionTakesAValue() {
        assertEquals(new StressTestOptions(20, 0.5, URI.create("http://example:8080/predict"), Path.of("/tmp/kite.jpg"),
                Path.of("/tmp/daemon.log"), 5), parse("--count", "20", "--interval", "0.5", "--url",
                "http://example:8080/predict", "--image", "/tmp/kite.jpg", "--daemon-log", "/tmp/daemon.log",
                "--timeout", "5"));
    }

    @Test
    void helpAsksForTheUsage() {
        assertNull(parse("--count", "3", "-h"));
        assertNull(parse("--help"));
    }

    @Test
    void refusesWhatItDoesNotKnow() {
        assertEquals("missing value for --count", assertThrows(IllegalArgumentException.class,
                () -> parse("--count")).getMessage());
        assertEquals("unknown option --bogus", assertThrows(IllegalArgumentException.class,
                () -> parse("--bogus", "1")).getMessage());
        assertThrows(NumberFormatException.class, () -> parse("--count", "many"));
        assertThrows(IllegalArgumentException.class, () -> parse("--count", "0"));
        assertThrows(IllegalArgumentException.class, () -> parse("--interval", "-1"));
        assertThrows(IllegalArgumentException.class, () -> parse("--timeout", "0"));
        assertThrows(IllegalArgumentException.class, () -> parse("--url", "localhost/predict"));
    }
}
