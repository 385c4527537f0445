package io.imageclassifier.web.health;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.imageclassifier.protocol.DaemonHeartbeat;
import io.imageclassifier.protocol.HistogramCounts;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.exceptions.JedisConnectionException;

class ServiceMetricsTest {

    /** Redis as the metrics see it, without a network. */
    private static final class FakeState extends ServiceState {
        long queueLength;
        List<DaemonHeartbeat> daemons = List.of();
        List<String> unreadable = List.of();
        boolean redisDown;

        FakeState() {
            super(null, null);
        }

        @Override
        long queueLength() {
            if (redisDown) {
                throw new JedisConnectionException("connection refused");
            }
            return queueLength;
        }

        @Override
        LiveDaemons liveDaemons() {
            return new LiveDaemons(daemons, unreadable);
        }
    }

    private final FakeState state = new FakeState();
    private final ServiceMetrics metrics = new ServiceMetrics(state, 1000);

    @Test
    void countsPredictRequestsByStatusWithTheirLatency() throws IOException {
        metrics.recordPrediction(200, 40_000_000L);
        metrics.recordPrediction(200, 300_000_000L);
        metrics.recordPrediction(400, 2_000_000L);

        String text = scrape();

        assertContains(text, "imageclassifier_requests_total{status=\"200\"} 2");
        assertContains(text, "imageclassifier_requests_total{status=\"400\"} 1");
        assertContains(text, "imageclassifier_request_duration_seconds_bucket{le=\"0.05\"} 2");
        assertContains(text, "imageclassifier_request_duration_seconds_bucket{le=\"0.5\"} 3");
        assertContains(text, "imageclassifier_request_duration_seconds_count 3");
    }

    @Test
    void recordsEachStageInItsOwnHistogram() throws IOException {
        metrics.stages().uploadRead(800_000L);
        metrics.stages().preprocessed(4_000_000L);
        metrics.stages().preprocessed(20_000_000L);
        metrics.stages().modelAnswered(35_000_000L);

        String text = scrape();

        assertContains(text, "imageclassifier_upload_read_seconds_bucket{le=\"0.001\"} 1");
        assertContains(text, "imageclassifier_preprocess_seconds_bucket{le=\"0.005\"} 1");
        assertContains(text, "imageclassifier_preprocess_seconds_bucket{le=\"0.025\"} 2");
        assertContains(text, "imageclassifier_preprocess_seconds_count 2");
        assertContains(text, "imageclassifier_model_wait_seconds_bucket{le=\"0.025\"} 0");
        assertContains(text, "imageclassifier_model_wait_seconds_bucket{le=\"0.05\"} 1");
    }

    @Test
    void countsADaemonWithAnUnreadableHeartbeatAsLiveAndSaysHowManyThereAre() throws IOException {
        state.daemons = List.of(new DaemonHeartbeat("host-1", "resnet50.onnx", "CPU", 32, 3, 7, 2,
                DaemonHeartbeat.newBatchSizeHistogram(), DaemonHeartbeat.newInferenceSecondsHistogram()));
        state.unreadable = List.of("host-2");

        String text = scrape();

        assertContains(text, "imageclassifier_daemons_live 2");
        assertContains(text, "imageclassifier_daemon_heartbeats_unreadable 1");
    }

    @Test
    void exposesTheQueueAndEachLiveDaemonFromItsHeartbeat() throws IOException {
        HistogramCounts sizes = DaemonHeartbeat.newBatchSizeHistogram();
        sizes.observe(1);
        sizes.observe(3);
        sizes.observe(3);
        HistogramCounts seconds = DaemonHeartbeat.newInferenceSecondsHistogram();
        seconds.observe(0.03);
        state.queueLength = 7;
        state.daemons = List.of(new DaemonHeartbeat("host-1", "resnet50.onnx", "CPU", 32, 3, 7, 2, sizes, seconds));

        String text = scrape();

        assertContains(text, "imageclassifier_redis_up 1");
        assertContains(text, "imageclassifier_queue_length 7");
        assertContains(text, "imageclassifier_queue_limit 1000");
        assertContains(text, "imageclassifier_daemons_live 1");
        assertContains(text, "imageclassifier_daemon_info{batch_size=\"32\",daemon=\"host-1\",device=\"CPU\",model=\"resnet50.onnx\"} 1");
        assertContains(text, "imageclassifier_daemon_images_total{daemon=\"host-1\"} 7");
        assertContains(text, "imageclassifier_daemon_jobs_skipped_expired_total{daemon=\"host-1\"} 2");
        // Buckets are cumulative on the wire: 1 image in le=1, all 3 batches by le=4.
        assertContains(text, "imageclassifier_daemon_batch_size_bucket{daemon=\"host-1\",le=\"1.0\"} 1");
        assertContains(text, "imageclassifier_daemon_batch_size_bucket{daemon=\"host-1\",le=\"4.0\"} 3");
        assertContains(text, "imageclassifier_daemon_batch_size_sum{daemon=\"host-1\"} 7");
        assertContains(text, "imageclassifier_daemon_inference_seconds_bucket{daemon=\"host-1\",le=\"0.05\"} 1");
    }

    @Test
    void startsNoThreadThatWouldOutliveTheWebApp() throws IOException {
        metrics.recordPrediction(200, 40_000_000L);
        scrape();

        assertFalse(Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().startsWith("prometheus")),
                "a metrics library thread is running");
    }

    @Test
    void saysRedisIsDownInsteadOfFailingTheScrape() throws IOException {
        state.redisDown = true;

        String text = scrape();

        assertContains(text, "imageclassifier_redis_up 0");
        assertFalse(text.contains("imageclassifier_queue_length"), text);
    }

    private String scrape() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, metrics.registry().scrape());
        return out.toString(StandardCharsets.UTF_8);
    }

    private static void assertContains(String text, String line) {
        // The text format writes every value as a double: "2" appears as "2.0".
        assertTrue(text.lines().anyMatch(l -> l.equals(line) || l.equals(line + ".0")),
                "no line '" + line + "' in:\n" + text);
    }
}
