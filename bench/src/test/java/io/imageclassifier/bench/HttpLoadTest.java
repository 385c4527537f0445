package io.imageclassifier.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.ConnectException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HttpLoadTest {

    private static final long MS = 1_000_000;

    private static HttpLoad.Sample ok(long startMs, long endMs) {
        return new HttpLoad.Sample(0, startMs * MS, endMs * MS, 200, true, null);
    }

    private static HttpLoad.Sample failed(long startMs, long endMs, String why) {
        return new HttpLoad.Sample(0, startMs * MS, endMs * MS, 504, false, why);
    }

    @Test
    void failureReasonsGroupByKind() {
        assertEquals(" (no model daemon answered within N ms)",
                HttpLoad.errorOf("{\"success\":false,\"error\":\"no model daemon answered within 30000 ms\"}"));
        assertEquals("", HttpLoad.errorOf("<html>Bad gateway</html>"));
        assertEquals("", HttpLoad.errorOf(null));
        assertEquals("ConnectException: Connection refused", HttpLoad.describe(new ConnectException("Connection refused")));
        assertEquals("IOException: header parser received no bytes",
                HttpLoad.describe(new IOException(null, new IOException("header parser received no bytes"))));
    }

    @Test
    void closedLoopThroughputCountsAnswersInsideTheWindowWhenEverTheyStarted() {
        // Window 1000..3000 ms.
        List<HttpLoad.Sample> all = List.of(
                ok(500, 1500),     // started in the warm-up, answered inside: counts for throughput only
                ok(1000, 1200),
                ok(2000, 2900),
                failed(2500, 2600, "HTTP 504"),
                ok(2900, 3400));   // started inside, answered in the drain: latency only
        HttpLoad.ClosedLoopRun run = new HttpLoad.ClosedLoopRun(all, 1000 * MS, 3000 * MS, 3400 * MS);
        assertEquals(2.0, run.windowSeconds(), 1e-9);
        assertEquals(3 / 2.0, run.throughput(), 1e-9);
        assertEquals(1, run.failedInWindow());
        assertEquals(4, run.measured().size());
        assertEquals(List.of(200.0, 900.0, 500.0), java.util.Arrays.stream(HttpLoad.okLatencies(run.measured()))
                .boxed().toList());
        assertEquals(Map.of("HTTP 504", 1), HttpLoad.failures(run.measured()));
    }

    @Test
    void photosAreTheImagesOfTheDirectorySorted(@TempDir Path dir) throws IOException {
        Files.write(dir.resolve("b.jpg"), new byte[] {1});
        Files.write(dir.resolve("a.JPEG"), new byte[] {1});
        Files.write(dir.resolve("c.png"), new byte[] {1});
        Files.writeString(dir.resolve("notes.txt"), "x");
        assertEquals(List.of("a.JPEG", "b.jpg", "c.png"),
                HttpLoad.photos(dir).stream().map(p -> p.getFileName().toString()).toList());
        assertEquals(List.of(), HttpLoad.photos(dir.resolve("missing")));
    }
}
