package io.imageclassifier.daemon;

import io.imageclassifier.protocol.Backoff;
import io.imageclassifier.protocol.BatchLogLine;
import io.imageclassifier.protocol.DaemonHeartbeat;
import io.imageclassifier.protocol.HistogramCounts;
import io.imageclassifier.protocol.PredictionResult;
import io.imageclassifier.protocol.QueueKeys;
import io.imageclassifier.protocol.RedisClients;
import io.imageclassifier.protocol.RedisClock;
import io.imageclassifier.protocol.ResultChannel;
import io.imageclassifier.protocol.Settings;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.file.NoSuchFileException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisException;

/**
 * The model daemon: loads ResNet50 once, then drains the job stream in batches, one ONNX Runtime
 * call per batch, and answers each job on its web instance's result list.
 *
 * <p>SIGTERM lets the batch in flight finish and be acknowledged before the process exits.
 */
public final class ModelDaemon {

    static {
        // Before the first logger exists: keeps shutdown lines from being lost.
        if (System.getProperty("java.util.logging.manager") == null) {
            System.setProperty("java.util.logging.manager", DaemonLogManager.class.getName());
        }
        // One line per record, greppable: "2026-11-25 20:10:00 INFO * Batch size: (4, 224, 224, 3)".
        if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
            System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tF %1$tT %4$s %5$s%6$s%n");
        }
    }

    private static final Logger LOG = Logger.getLogger(ModelDaemon.class.getName());
    /** How long an idle daemon blocks on the queue at a time; bounds its reaction to SIGTERM. */
    private static final Duration IDLE_WAIT = Duration.ofSeconds(1);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

    private final Settings settings;
    private final OnnxClassifier classifier;
    private final Labels labels;
    private final JobSource jobs;
    private final BatchCollector collector;
    private final String consumer;
    private volatile boolean running = true;
    private Consumer<Supplier<DaemonHeartbeat>> heartbeat = beat -> { };
    private long batches;
    private long images;
    private long skippedExpired;
    private final HistogramCounts batchSizes = DaemonHeartbeat.newBatchSizeHistogram();
    private final HistogramCounts inferenceSeconds = DaemonHeartbeat.newInferenceSecondsHistogram();

    ModelDaemon(Settings settings, OnnxClassifier classifier, Labels labels, JobSource jobs, Clock clock) {
        this.settings = settings;
        this.classifier = classifier;
        this.labels = labels;
        this.jobs = jobs;
        this.consumer = consumerName();
        this.collector = new BatchCollector(jobs, clock, settings.batchSize(), settings.batchMaxDelay(), IDLE_WAIT);
    }

    public static void main(String[] args) throws Exception {
        try {
            serve(Settings.load());
        } catch (NoSuchFileException e) {
            startupFailed("file not found: " + e.getFile() + " (scripts/setup exports the model and its labels)");
        } catch (IllegalArgumentException | IllegalStateException e) {
            // Bad settings, a missing or wrong model file: the message says which.
            startupFailed(e.getMessage());
        } catch (JedisException e) {
            // A wrong password or the like: waiting would not help.
            startupFailed("Redis refused the daemon: " + e.getMessage());
        }
    }

    /** One line where the operator looks, not a stack trace, and a non-zero exit for the supervisor. */
    private static void startupFailed(String reason) {
        LOG.severe("model daemon cannot start: " + reason);
        DaemonLogManager.resetAtExit();
        System.exit(1);
    }

    private static void serve(Settings settings) throws Exception {
        LOG.info("loading model " + settings.modelPath().toAbsolutePath() + " on " + settings.modelDevice());
        Labels labels = Labels.load(settings.labelsPath());
        try (OnnxClassifier classifier = new OnnxClassifier(settings.modelPath(), settings.modelDevice(),
                settings.modelThreads(), settings.batchSize(), settings.imageWidth(), settings.imageHeight());
             RedisClient redis = RedisClients.create(settings, 2, IDLE_WAIT.toMillis())) {
            QueueKeys keys = QueueKeys.from(settings);
            // Deadlines are stamped by web hosts on Redis's clock: checked on it too, whatever
            // this host's clock says.
            RedisClock clock = RedisClock.of(redis);
            ScheduledExecutorService clockSync = Executors.newSingleThreadScheduledExecutor(runnable -> {
                Thread thread = new Thread(runnable, "redis-clock-sync");
                thread.setDaemon(true);
                return thread;
            });
            clockSync.scheduleWithFixedDelay(() -> syncQuietly(clock), RedisClock.SYNC_INTERVAL.toMillis(),
                    RedisClock.SYNC_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
            RedisJobSource source = new RedisJobSource(redis, keys, consumerName(),
                    ResultChannel.from(settings), settings.queueClaimIdle(), clock);
            ModelDaemon daemon = new ModelDaemon(settings, classifier, labels, source, clock);
            HeartbeatPublisher heartbeat = new HeartbeatPublisher(redis, keys.daemonHeartbeat(consumerName()),
                    Clock.systemUTC());
            daemon.publishHeartbeatsTo(heartbeat);
            // Nothing is in flight before the group is joined: until then SIGTERM simply exits.
            joinGroupWhenRedisAnswers(source, settings);
            syncQuietly(clock);   // Redis answers now: the first job is judged on Redis's clock
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                LOG.info("stopping: finishing the batch in flight");
                daemon.stop();
                try {
                    stopped.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "shutdown"));
            LOG.info("model daemon ready: " + classifier.device() + ", batch size " + settings.batchSize()
                    + ", max batch delay " + settings.batchMaxDelay().toMillis() + " ms, queue '"
                    + settings.imageQueue() + "' on " + settings.redisHost() + ":" + settings.redisPort());
            try {
                daemon.run();
                heartbeat.remove();
                source.leaveGroup();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "could not leave the consumer group cleanly", e);
            } finally {
                LOG.info("model daemon stopped after " + daemon.batches + " batches ("
                        + daemon.skippedExpired + " expired jobs skipped)");
                DaemonLogManager.resetAtExit();
                stopped.countDown();
            }
        }
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
        return new DaemonHeartbeat(consumer, settings.modelPath().getFileName().toString(), classifier.device(),
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

    /**
     * A failed sync keeps the last offset; the serving loop reports Redis trouble itself. Never
     * throws: an exception would end the scheduled syncs for good.
     */
    private static void syncQuietly(RedisClock clock) {
        try {
            clock.sync();
        } catch (RuntimeException e) {
            LOG.fine("could not read Redis's time: " + e.getMessage());
        }
    }

    private static void joinGroupWhenRedisAnswers(RedisJobSource source, Settings settings) {
        Backoff backoff = new Backoff(Duration.ofMillis(200), MAX_BACKOFF);
        while (!Thread.currentThread().isInterrupted()) {
            try {
                source.joinGroup();
                return;
            } catch (JedisConnectionException e) {
                LOG.warning("waiting for Redis at " + settings.redisHost() + ":" + settings.redisPort()
                        + " (" + e.getMessage() + ")");
                backoff.pause();
            }
        }
    }

    /** Unique per process, readable in XINFO CONSUMERS: host and pid. */
    private static String consumerName() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            host = "unknown-host";
        }
        return host + "-" + ManagementFactory.getRuntimeMXBean().getPid();
    }

}
