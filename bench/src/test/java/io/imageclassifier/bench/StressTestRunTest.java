package io.imageclassifier.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stress test against a stand-in for the service on a free loopback port: it answers every
 * third upload 503 and logs each upload as a batch of one, as a daemon would.
 */
class StressTestRunTest {

    @TempDir
    Path dir;
    private HttpServer server;
    private URI url;
    private Path daemonLog;
    private final AtomicInteger uploads = new AtomicInteger();

    @BeforeEach
    void startServer() throws IOException {
        daemonLog = dir.resolve("model-daemon.log");
        Files.writeString(daemonLog, "* Batch size: (32, 224, 224, 3) inference 640 ms\n");
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/predict", this::answer);
        server.start();
        url = URI.create("http://" + server.getAddress().getHostString() + ":" + server.getAddress().getPort()
                + "/predict");
    }

    private void answer(HttpExchange exchange) throws IOException {
        exchange.getRequestBody().readAllBytes();
        boolean ok = uploads.incrementAndGet() % 3 != 0;
        if (ok) {
            synchronized (this) {
                Files.writeString(daemonLog, "INFO * Batch size: (1, 224, 224, 3) inference 20 ms\n",
                        StandardOpenOption.APPEND);
            }
        }
        byte[] body = (ok ? "{\"success\":true,\"predictions\":[]}" : "{\"success\":false,\"error\":\"queue full\"}")
                .getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(ok ? 200 : 503, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    private String run(StressTestOptions options, int expectedExit) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            assertEquals(expectedExit, StressTest.run(options, out));
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private Path photo() throws IOException {
        return Files.write(dir.resolve("dog.jpg"), new byte[] {(byte) 0xFF, (byte) 0xD8, 1, 2, 3});
    }

    @Test
    void printsEachAnswerThenTheSummaryAndTheBatchesOfThisRunOnly() throws Exception {
        String output = run(new StressTestOptions(6, 0.01, url, photo(), daemonLog, 10), 1);

        // Numbers as the platform's locale writes them, as the original printed them.
        assertTrue(output.lines().findFirst().orElseThrow().matches("Sending 6 requests, 0[.,]010 s apart, to "
                + Pattern.quote(url + " (image " + dir.resolve("dog.jpg") + ", 5 bytes)")), output);
        assertEquals(4, output.lines().filter(l -> l.matches("Thread \\d: OK")).count(), output);
        assertEquals(2, output.lines().filter(l -> l.matches("Thread \\d: FAILED \\(HTTP 503 \\(queue full\\)\\)"))
                .count(), output);
        assertTrue(output.contains("\n==== Summary ====\nrequests:   6  OK: 4  failed: 2\n"), output);
        assertTrue(output.lines().anyMatch(l -> l.matches("latency ms \\(OK requests\\): p50 \\d+  p90 \\d+  p99 \\d+"
                + "  max \\d+")), output);
        assertTrue(output.lines().anyMatch(l -> l.matches("throughput: [\\d.,]+ requests/s \\(6 requests in [\\d.,]+ s\\),"
                + " [\\d.,]+ OK/s")), output);
        assertTrue(output.lines().anyMatch(l -> l.matches(Pattern.quote("batch sizes (" + daemonLog + "): 4 batches, 4 images,")
                + " mean 1[.,]00")), "the batch of 32 logged before the run does not count:\n" + output);
        assertTrue(output.endsWith("\n     1 -> 4\n"), output);
    }

    @Test
    void exitsZeroWhenEveryRequestSucceeded() throws Exception {
        String output = run(new StressTestOptions(2, 0, url, photo(), daemonLog, 10), 0);
        assertTrue(output.contains("requests:   2  OK: 2  failed: 0\n"), output);
    }

    @Test
    void saysWhenThereIsNoDaemonLogOrNoBatchInIt() throws Exception {
        Path missing = dir.resolve("none.log");
        assertTrue(run(new StressTestOptions(1, 0, url, photo(), missing, 10), 0)
                .endsWith("batch sizes: n/a (no daemon log at " + missing + ")\n"));
        Path quiet = Files.writeString(dir.resolve("quiet.log"), "ready\n");
        assertTrue(run(new StressTestOptions(1, 0, url, photo(), quiet, 10), 0)
                .endsWith("batch sizes: none logged in " + quiet + " during the run\n"));
    }

    @Test
    void noAnswerAtAllStillEndsWithASummary() throws Exception {
        URI nobody;
        try (ServerSocket closedAgain = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            nobody = URI.create("http://127.0.0.1:" + closedAgain.getLocalPort() + "/predict");
        }
        String output = run(new StressTestOptions(2, 0, nobody, photo(), daemonLog, 10), 1);
        assertTrue(output.contains("requests:   2  OK: 0  failed: 2\nlatency ms: n/a (no request succeeded)\n"), output);
        assertTrue(output.lines().anyMatch(l -> l.startsWith("Thread 0: FAILED (")), output);
    }
}
