package io.imageclassifier.daemon;

import io.imageclassifier.protocol.Backoff;
import io.imageclassifier.protocol.DaemonHeartbeat;
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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisException;

/**
 * The model daemon's start-up: loads ResNet50 once, connects to Redis, joins the daemons'
 * consumer group and hands all of it to the {@link ServingLoop}, which drains the job stream in
 * batches, one ONNX Runtime call per batch, and answers each job on its web instance's result list.
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

    private ModelDaemon() {
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
        LOG.info("loading model " + settings.servedModelPath().toAbsolutePath() + " (" + settings.modelPrecision()
                + ") on " + settings.modelDevice());
        Labels labels = Labels.load(settings.labelsPath());
        try (OnnxClassifier classifier = new OnnxClassifier(settings.servedModelPath(), settings.modelDevice(),
                settings.modelThreads(), settings.batchSize(), settings.imageWidth(), settings.imageHeight());
             UnifiedJedis redis = RedisClients.create(settings, 2, ServingLoop.IDLE_WAIT.toMillis())) {
            String consumer = consumerName();
            QueueKeys keys = QueueKeys.from(settings);
            // Deadlines are stamped by web hosts on Redis's clock: checked on it too, whatever
            // this host's clock says.
            RedisClock clock = RedisClock.of(redis);
            keepInStep(clock);
            RedisJobSource source = new RedisJobSource(redis, keys, consumer,
                    ResultChannel.from(settings), settings.queueClaimIdle(), clock);
            ServingLoop loop = new ServingLoop(consumer, settings, ImageClassifier.of(classifier), labels, source,
                    clock);
            HeartbeatPublisher heartbeat = new HeartbeatPublisher(redis, keys.daemonHeartbeat(consumer),
                    Clock.systemUTC());
            loop.publishHeartbeatsTo(heartbeat);
            // Nothing is in flight before the group is joined: until then SIGTERM simply exits.
            joinGroupWhenRedisAnswers(source, settings);
            syncQuietly(clock);   // Redis answers now: the first job is judged on Redis's clock
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                LOG.info("stopping: finishing the batch in flight");
                loop.stop();
                try {
                    stopped.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "shutdown"));
            LOG.info("model daemon ready: " + classifier.device() + ", batch size " + settings.batchSize()
                    + ", max batch delay " + settings.batchMaxDelay().toMillis() + " ms, queue '"
                    + settings.imageQueue() + "' on " + RedisClients.describe(settings));
            try {
                loop.run();
                heartbeat.remove();
                source.leaveGroup();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "could not leave the consumer group cleanly", e);
            } finally {
                DaemonHeartbeat served = loop.heartbeat();
                LOG.info("model daemon stopped after " + served.batches() + " batches ("
                        + served.skippedExpired() + " expired jobs skipped)");
                DaemonLogManager.resetAtExit();
                stopped.countDown();
            }
        }
    }

    /** Measures Redis's clock anew every {@link RedisClock#SYNC_INTERVAL}, on a thread of its own. */
    private static void keepInStep(RedisClock clock) {
        ScheduledExecutorService clockSync = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "redis-clock-sync");
            thread.setDaemon(true);
            return thread;
        });
        clockSync.scheduleWithFixedDelay(() -> syncQuietly(clock), RedisClock.SYNC_INTERVAL.toMillis(),
                RedisClock.SYNC_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
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
        Backoff backoff = new Backoff(Duration.ofMillis(200), ServingLoop.MAX_BACKOFF);
        while (!Thread.currentThread().isInterrupted()) {
            try {
                source.joinGroup();
                return;
            } catch (JedisConnectionException e) {
                LOG.warning("waiting for Redis at " + RedisClients.describe(settings)
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
