package io.imageclassifier.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * /metrics through Apache, parsed as Prometheus text: its counters move by exactly what a known
 * set of requests did, and the model daemon's own figures arrive through its heartbeat.
 */
class MetricsIT {

    private static final String OK = "imageclassifier_requests_total{status=\"200\"}";
    private static final String BAD_REQUEST = "imageclassifier_requests_total{status=\"400\"}";
    private static final String LATENCY_COUNT = "imageclassifier_request_duration_seconds_count";

    private final ServiceClient client = new ServiceClient();

    @Test
    void countersMoveByExactlyTheRequestsSent() throws Exception {
        Map<String, Double> before = scrape();
        double imagesBefore = sumOf(before, "imageclassifier_daemon_images_total{");

        byte[] photo = ServiceClient.photo("dog.jpg");
        for (int i = 0; i < 3; i++) {
            assertEquals(200, client.predict(photo, "dog.jpg").status());
        }
        for (int i = 0; i < 2; i++) {
            assertEquals(400, client.predict("not an image".getBytes(), "notes.txt").status());
        }

        Map<String, Double> after = scrape();
        assertEquals(3.0, after.getOrDefault(OK, 0.0) - before.getOrDefault(OK, 0.0), OK);
        assertEquals(2.0, after.getOrDefault(BAD_REQUEST, 0.0) - before.getOrDefault(BAD_REQUEST, 0.0), BAD_REQUEST);
        assertEquals(5.0, after.get(LATENCY_COUNT) - before.getOrDefault(LATENCY_COUNT, 0.0), LATENCY_COUNT);
        // The stages a request got through: both uploads were read, only the photos decoded and answered.
        assertEquals(5.0, delta(before, after, "imageclassifier_upload_read_seconds_count"), "uploads read");
        assertEquals(3.0, delta(before, after, "imageclassifier_preprocess_seconds_count"), "photos preprocessed");
        assertEquals(3.0, delta(before, after, "imageclassifier_model_wait_seconds_count"), "photos answered");
        assertTrue(delta(before, after, "imageclassifier_model_wait_seconds_sum") > 0, "model wait time: " + after);
        assertEquals(1.0, after.get("imageclassifier_redis_up"));
        assertTrue(after.get("imageclassifier_daemons_live") >= 1, "a live daemon: " + after);
        assertTrue(after.containsKey("imageclassifier_queue_length"), "queue length exposed");

        // The daemon's totals travel in its heartbeat, refreshed every 2 s.
        assertTrue(StackControl.await(Duration.ofSeconds(15),
                        () -> sumOf(scrapeQuietly(), "imageclassifier_daemon_images_total{") >= imagesBefore + 3),
                "the daemon's image count grew by the 3 photos");
        Map<String, Double> later = scrape();
        assertTrue(sumOf(later, "imageclassifier_daemon_batch_size_count{") >= 1, "batch sizes: " + later);
        assertTrue(sumOf(later, "imageclassifier_daemon_inference_seconds_sum{") > 0, "inference time: " + later);
    }

    /** Series (name and labels, as written) to value; comments and blank lines skipped. */
    private Map<String, Double> scrape() throws Exception {
        ServiceClient.Reply reply = client.send(HttpRequest.newBuilder(ServiceClient.BASE.resolve("/metrics")).GET());
        assertEquals(200, reply.status(), reply.body());
        assertTrue(reply.contentType().startsWith("text/plain"), reply.contentType());
        Map<String, Double> series = new HashMap<>();
        for (String line : reply.body().split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            series.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
        }
        return series;
    }

    private Map<String, Double> scrapeQuietly() {
        try {
            return scrape();
        } catch (Exception e) {
            return Map.of();
        }
    }

    private static double delta(Map<String, Double> before, Map<String, Double> after, String series) {
        return after.getOrDefault(series, 0.0) - before.getOrDefault(series, 0.0);
    }

    private static double sumOf(Map<String, Double> series, String prefix) {
        return series.entrySet().stream().filter(e -> e.getKey().startsWith(prefix))
                .mapToDouble(Map.Entry::getValue).sum();
    }
}
