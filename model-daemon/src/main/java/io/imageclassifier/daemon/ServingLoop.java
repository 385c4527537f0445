package io.imageclassifier.daemon;

import io.imageclassifier.protocol.Backoff;
import io.imageclassifier.protocol.BatchLogLine;
import io.imageclassifier.protocol.DaemonHeartbeat;
import io.imageclassifier.protocol.HistogramCounts;
import io.imageclassifier.protocol.PredictionResult;
import io.imageclassifier.protocol.Settings;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisException;

/**
 * The daemon at work: takes a batch from its job source, classifies it in one model call, answers
 * every job of it, and again, until stopped. Jobs, model and clock come from outside, so the loop
 * runs the same on Redis and ONNX Runtime as on a list and a stub in a test.
 */
final class ServingLoop {

    /** How long an idle daemon blocks on the queue at a time; bounds its reaction to SIGTERM. */
    static final Duration IDLE_WAIT = Duration.ofSeconds(1);
    /** The longest pause between retries while Redis is in trouble. */
    static final Duration MAX_BACKOFF = Duration.ofSeconds(5);
    private static final Logger LOG = Logger.getLogger(ServingLoop.class.getName());

    private final String daemon;
    private final Settings settings;
    private final ImageClassifier classifier;
    private final Labels labels;
    private final JobSource jobs;
    private final BatchCollector collector;
    private volatile boolean running = true;
    private Consumer<Supplier<DaemonHeartbeat>> heartbeat = beat -> { };
    private long batches;
    private long images;
    private long skippedExpired;
    private final HistogramCounts batchSizes = DaemonHeartbeat.newBatchSizeHistogram();
    private final HistogramCounts inferenceSeconds = DaemonHeartbeat.newInferenceSecondsHistogram();

    /** @param daemon this daemon's name, as its heartbeat carries it */
    ServingLoop(String daemon, Settings settings, ImageClassifier classifier, Labels labels, JobSource jobs,
                Clock clock) {
        this.daemon = daemon;
        this.settings = settings;
        this.classifier = classifier;
        this.labels = labels;
        this.jobs = jobs;
        this.collector = new BatchCollector(jobs, clock, settings.batchSize(), settings.batchMaxDelay(), IDLE_WAIT);
    }

    /** Where the serving loop reports that it is alive; the heartbeat publisher in production. */
    void publishHeartbeatsTo(Consumer<Supplier<DaemonHeartbeat>> sink) {
        this.heartbeat = sink;
    }

    /**
     * Serves batches until asked to stop. Any failure, a lost connection or Redis refusing
     * commands (OOM, NOPERM, MISCONF) as much as a failed batch, is retried with backoff, and
     * said once per outage rather than once per pass: a daemon must neither spin nor flood its
     * log while Redis is in trouble.
     */
    void run() {
        Backoff backoff = new Backoff(Duration.ofMillis(200), MAX_BACKOFF);
        String failing = null;   // what has failed since the last good pass, once said
        while (running) {
            try {
                serveOneBatch();
                heartbeat.accept(this::heartbeat);
                if (failing != null) {
                    LOG.info("serving again (after: " + failing + ")");
                    failing = null;
                }
                backoff.reset();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                if (failing == null) {
                    failing = describe(e);
                    if (e instanceof JedisException) {
                        LOG.warning(failing + "; retrying with backoff, up to every " + MAX_BACKOFF.toSeconds() + " s");
                    } else {
                        LOG.log(Level.SEVERE, failing + "; retrying with backoff", e);
                    }
                }
                backoff.pause();
            }
        }
    }

    private static String describe(Exception e) {
        if (e instanceof JedisConnectionException) {
            return "Redis unreachable (" + e.getMessage() + ")";
        }
        if (e instanceof JedisException) {
            return "Redis refused a command (" + e.getMessage() + ")";
        }
        return "a batch failed (" + e + ")";
    }

    /** Ends {@link #run()} after the batch in flight. */
    void stop() {
        running = false;
    }

    /** What this daemon is and has done so far, as its heartbeat publishes it. */
    DaemonHeartbeat heartbeat() {
        return new DaemonHeartbeat(daemon, settings.servedModelPath().getFileName().toString(), classifier.device(),
                settings.batchSize(), batches, images, skippedExpired, batchSizes.copy(), inferenceSeconds.copy());
    }

    /** Takes one batch (possibly empty), classifies it, answers it. */
    void serveOneBatch() throws Exception {
        Batch batch = collector.nextBatch();
        if (!batch.expired().isEmpty()) {
            skippedExpired += batch.expired().size();
            LOG.info("skipped " + batch.expired().size() + " jobs whose caller had already timed out");
            jobs.discard(batch.expired());
        }
        Map<QueuedJob, PredictionResult> results = new LinkedHashMap<>();
        List<QueuedJob> work = new ArrayList<>();
        for (QueuedJob queued : batch.jobs()) {
            if (queued.job().width() == settings.imageWidth() && queued.job().height() == settings.imageHeight()) {
                work.add(queued);
            } else {
                // A producer with other settings must not fail the whole batch it landed in.
                results.put(queued, PredictionResult.failure(queued.job().id(), "the image is "
                        + queued.job().width() + "x" + queued.job().height() + " but the model takes "
                        + settings.imageWidth() + "x" + settings.imageHeight()));
            }
        }
        if (!work.isEmpty()) {
            long started = System.nanoTime();
            classify(work, results);
            long elapsedNanos = System.nanoTime() - started;
            LOG.info(BatchLogLine.format(work.size(), settings.imageHeight(), settings.imageWidth(),
                    elapsedNanos / 1_000_000));
            batchSizes.observe(work.size());
            inferenceSeconds.observe(elapsedNanos / 1e9);
        }
        if (results.isEmpty()) {
            return;
        }
        jobs.answer(results);
        batches++;
        images += work.size();
    }

    /** Adds one result per job; every job gets one even when inference fails. */
    private void classify(List<QueuedJob> work, Map<QueuedJob, PredictionResult> results) {
        try {
            float[][] probabilities = classifier.classify(work.stream().map(q -> q.job().rgbPixels()).toList());
            for (int i = 0; i < work.size(); i++) {
                String jobId = work.get(i).job().id();
                results.put(work.get(i), isFinite(probabilities[i])
                        ? PredictionResult.success(jobId, labels.top(probabilities[i], settings.topK()))
                        : PredictionResult.failure(jobId, "the model produced an invalid output"));
            }
        } catch (Exception e) {
            // Answer every job of a failed batch, so no request waits for its timeout in vain.
            LOG.log(Level.SEVERE, "inference failed for a batch of " + work.size(), e);
            for (QueuedJob queued : work) {
                results.put(queued, PredictionResult.failure(queued.job().id(), "inference failed"));
            }
        }
    }

    private static boolean isFinite(float[] row) {
        for (float value : row) {
            if (!Float.isFinite(value)) {
                return false;
            }
        }
        return true;
    }
}
