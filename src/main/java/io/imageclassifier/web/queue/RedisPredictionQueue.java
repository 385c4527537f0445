package io.imageclassifier.web.queue;

import io.imageclassifier.protocol.Backoff;
import io.imageclassifier.protocol.MalformedMessageException;
import io.imageclassifier.protocol.PredictionJob;
import io.imageclassifier.protocol.PredictionResult;
import io.imageclassifier.protocol.QueueKeys;
import io.imageclassifier.protocol.RedisClients;
import io.imageclassifier.protocol.RedisClock;
import io.imageclassifier.protocol.Settings;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.args.ListDirection;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.resps.StreamEntry;
import redis.clients.jedis.util.KeyValue;

/**
 * The Redis side of the web tier: jobs go onto the shared job stream, and one listener thread per
 * web instance blocks on this instance's result list and wakes the waiting requests.
 *
 * <p>Waiting requests hold neither a Tomcat thread nor a Redis connection; only the listener holds
 * one connection, blocked in BLMPOP, so hundreds of requests in flight need a small pool.
 */
public final class RedisPredictionQueue implements PredictionQueue {

    private static final Logger LOG = Logger.getLogger(RedisPredictionQueue.class.getName());
    /** How long one BLMPOP blocks; bounds how long stopping the listener takes. */
    public static final Duration LISTEN_BLOCK = Duration.ofSeconds(1);
    /** Results taken per round trip when many are waiting. */
    private static final int RESULTS_PER_READ = 64;
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(2);
    /** How long stopping the web app waits for requests in flight; well under a stop timeout. */
    private static final Duration DRAIN_LIMIT = Duration.ofSeconds(10);
    private static final Duration TIMER_STOP_LIMIT = Duration.ofSeconds(5);
    /**
     * How long a job found missing from the stream after an outage may still be answered before
     * its request gets 503: a daemon may have taken it before Redis went down and answer it once
     * Redis is back, within a batch's time (about a second for 32 images on 2 CPU cores).
     */
    static final Duration LOST_JOB_GRACE = Duration.ofSeconds(5);
    static final String LOST_JOB_REASON = "the job queue (Redis) lost this request while it was down";

    private final UnifiedJedis redis;
    private final String jobStreamKey;
    private final BoundedJobStream jobStream;
    private final Settings settings;
    private final String resultList;
    private final PendingPredictions pending;
    private final ScheduledThreadPoolExecutor timer;
    private final Thread listener;
    /** Deadlines are stamped on Redis's clock, which the daemons check them against. */
    private final RedisClock clock;
    private volatile boolean running = true;
    private final AtomicBoolean queueingFailing = new AtomicBoolean();
    /** Set when a request found no free pooled connection, cleared by the next job queued. */
    private final AtomicBoolean poolExhausted = new AtomicBoolean();
    /** Set by a request that timed out, cleared by the next result: one log line per silence. */
    private final AtomicBoolean daemonsSilent = new AtomicBoolean();

    private final Duration lostJobGrace;

    /** @param redis a client whose blocking commands may wait {@link #LISTEN_BLOCK}; the caller closes it */
    public RedisPredictionQueue(Settings settings, UnifiedJedis redis) {
        this(settings, redis, LOST_JOB_GRACE);
    }

    RedisPredictionQueue(Settings settings, UnifiedJedis redis, Duration lostJobGrace) {
        this.settings = settings;
        this.lostJobGrace = lostJobGrace;
        QueueKeys keys = QueueKeys.from(settings);
        this.redis = redis;
        this.jobStreamKey = keys.jobStream();
        this.jobStream = new BoundedJobStream(redis, keys.jobStream(), settings.queueMaxLength());
        this.resultList = keys.resultList(UUID.randomUUID().toString());
        this.timer = new ScheduledThreadPoolExecutor(1, daemonThreadsNamed("prediction-timeouts"));
        this.timer.setRemoveOnCancelPolicy(true);
        this.pending = new PendingPredictions(timer);
        this.clock = RedisClock.of(redis);
        syncClock();   // before the first job is stamped; the listener keeps it in step
        this.listener = daemonThreadsNamed("prediction-result-listener").newThread(this::listenForResults);
        this.listener.start();
        LOG.info("queueing to Redis " + RedisClients.describe(settings)
                + " stream '" + keys.jobStream() + "', results on '" + resultList + "'");
    }

    @Override
    public CompletableFuture<PredictionResult> submit(byte[] rgbPixels, Duration timeout) {
        String jobId = UUID.randomUUID().toString();
        PredictionJob job = new PredictionJob(jobId, resultList, clock.millis() + timeout.toMillis(),
                settings.imageWidth(), settings.imageHeight(), rgbPixels);
        // Wait before queueing, so even an instant answer finds its request.
        CompletableFuture<PredictionResult> result = pending.register(jobId, timeout);
        result.whenComplete((value, error) -> {
            if (error instanceof PredictionTimedOutException && daemonsSilent.compareAndSet(false, true)) {
                LOG.warning("no model daemon answered in time (request.timeout.ms " + settings.requestTimeout().toMillis()
                        + "): requests time out"
                        + " with 504; check that a model daemon runs (scripts/status) and read its log");
            }
        });
        try {
            pending.queued(jobId, addRetryingABrokenConnection(job).entryId());
        } catch (JedisException e) {
            throw failed(jobId, redisUnavailable(e));
        } catch (QueueFullException full) {
            redisAnswered();
            throw failed(jobId, full);
        }
        redisAnswered();
        return result;
    }

    /** Fails the job's waiting request with {@code error}, which the caller throws as well. */
    private PredictionQueueException failed(String jobId, PredictionQueueException error) {
        pending.fail(jobId, error);
        return error;
    }

    /** Redis ran the script, whatever it answered: an outage or a shortage of connections is over. */
    private void redisAnswered() {
        if (queueingFailing.compareAndSet(true, false)) {
            LOG.info("queueing jobs to Redis works again");
        }
        poolExhausted.set(false);
    }

    /**
     * A failed sync keeps the last offset (0 before the first): results must still be read, and
     * Redis trouble is reported by the calls that need Redis.
     */
    private void syncClock() {
        try {
            clock.sync();
        } catch (RuntimeException e) {
            LOG.fine("could not read Redis's time: " + e.getMessage());
        }
    }

    /**
     * After Redis restarts, every pooled connection is dead until it is used once, so the first
     * requests after a restart got 503 although Redis was back. A connection found broken is
     * dropped by the pool and the job goes out once more on another; a timeout is not retried,
     * so a hung Redis still costs a request one Redis timeout, not two.
     */
    private BoundedJobStream.Added addRetryingABrokenConnection(PredictionJob job) {
        try {
            return jobStream.add(job);
        } catch (JedisConnectionException e) {
            if (e.getCause() instanceof SocketTimeoutException) {
                throw e;
            }
            return jobStream.add(job);
        }
    }

    private PredictionQueueException redisUnavailable(JedisException e) {
        if (e.getCause() instanceof NoSuchElementException) {
            // Redis answers, but every pooled connection stayed busy: this web app is overloaded.
            if (poolExhausted.compareAndSet(false, true)) {
                LOG.warning("all " + settings.redisPoolSize() + " Redis connections stayed busy for "
                        + RedisClients.poolWait(settings).toMillis() + " ms; answering 503 to requests that"
                        + " find none free (raise redis.pool.size if the machine is not simply overloaded)");
            }
            return new QueueOverloadedException(e);
        }
        // One line per outage, not one per request.
        if (queueingFailing.compareAndSet(false, true)) {
            LOG.warning("cannot queue jobs: Redis at " + RedisClients.describe(settings)
                    + " failed (" + e.getMessage() + "); answering 503 until it is back");
        }
        return new QueueUnavailableException(e);
    }

    private void listenForResults() {
        Backoff backoff = new Backoff(Duration.ofMillis(100), MAX_BACKOFF);
        boolean redisWasDown = false;
        long lastClockSync = System.nanoTime();
        while (running) {
            // Between waits for results (each at most LISTEN_BLOCK): no thread of its own.
            if (System.nanoTime() - lastClockSync >= RedisClock.SYNC_INTERVAL.toNanos()) {
                syncClock();
                lastClockSync = System.nanoTime();
            }
            try {
                if (redisWasDown) {
                    // Before the next pop: a job whose entry is gone was either answered (its result
                    // is already on the list, pushed before the entry was deleted) or lost.
                    failLostJobsAfterGrace();
                    LOG.info("result listener reconnected to Redis");
                    redisWasDown = false;
                }
                KeyValue<String, List<String>> popped = redis.blmpop(
                        LISTEN_BLOCK.toMillis() / 1000.0, ListDirection.RIGHT, RESULTS_PER_READ, resultList);
                if (popped != null) {
                    popped.getValue().forEach(this::deliver);
                }
                backoff.reset();
            } catch (JedisException e) {
                if (!running) {
                    break;
                }
                if (!redisWasDown) {
                    LOG.warning("result listener lost Redis (" + e.getMessage() + "); retrying");
                    redisWasDown = true;
                }
                backoff.pause();
            } catch (RuntimeException e) {
                LOG.log(Level.SEVERE, "result listener failed; continuing", e);
                backoff.pause();   // never spin on a failure that repeats
            }
        }
    }

    /**
     * Redis came back without the entries of some waiting requests' jobs: it restarted without
     * persistence, or failed over to a replica that had not received them. Unless a daemon that
     * had taken one answers it within {@link #lostJobGrace}, its request gets 503 (send it again)
     * then, rather than 504 at its deadline.
     */
    private void failLostJobsAfterGrace() {
        Map<String, String> queued = pending.queuedEntries();
        if (queued.isEmpty()) {
            return;
        }
        Set<String> missing = jobsMissingFromTheStream(queued);
        if (missing.isEmpty()) {
            return;
        }
        try {
            timer.schedule(() -> {
                long failed = missing.stream()
                        .filter(jobId -> pending.fail(jobId, new PredictionWithdrawnException(LOST_JOB_REASON)))
                        .count();
                if (failed > 0) {
                    LOG.warning(failed + " waiting requests lost their jobs while Redis was down (restarted without "
                            + "persistence?); they get 503 and may be sent again");
                }
            }, lostJobGrace.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException stopping) {
            // The web app is stopping: close() answers every waiting request itself.
        }
    }

    /** The job ids whose stream entries are gone, checked in one round trip. */
    private Set<String> jobsMissingFromTheStream(Map<String, String> queued) {
        Map<String, Response<List<StreamEntry>>> lookups = new HashMap<>();
        try (AbstractPipeline pipeline = redis.pipelined()) {
            queued.forEach((jobId, entryId) -> {
                StreamEntryID id = new StreamEntryID(entryId);
                lookups.put(jobId, pipeline.xrange(jobStreamKey, id, id, 1));
            });
            pipeline.sync();
        }
        Set<String> missing = new HashSet<>();
        lookups.forEach((jobId, entries) -> {
            if (entries.get().isEmpty()) {
                missing.add(jobId);
            }
        });
        return missing;
    }

    private void deliver(String message) {
        try {
            PredictionResult result = PredictionResult.fromJson(message);
            if (daemonsSilent.compareAndSet(true, false)) {
                LOG.info("a model daemon answers again");
            }
            if (!pending.complete(result)) {
                LOG.fine("result for job " + result.jobId() + " arrived after its request gave up");
            }
        } catch (MalformedMessageException e) {
            LOG.warning("ignoring a malformed result: " + e.getMessage());
        }
    }

    /**
     * Lets the requests in flight get their answers (up to {@link #DRAIN_LIMIT}) before the
     * listener stops, so stopping one of several Tomcats under load loses no request. Tomcat has
     * paused its connectors by the time it undeploys the web app, so no new requests arrive.
     */
    @Override
    public void close() {
        long drainUntil = System.nanoTime() + DRAIN_LIMIT.toNanos();
        try {
            while (pending.size() > 0 && System.nanoTime() < drainUntil) {
                Thread.sleep(50);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (pending.size() > 0) {
            LOG.warning("stopping with " + pending.size() + " requests still waiting for the model; they get 503");
        }
        running = false;
        try {
            listener.join(LISTEN_BLOCK.toMillis() * 3);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        pending.failAll(new QueueClosedException());
        timer.shutdownNow();
        // shutdownNow only interrupts the timer's thread; Tomcat looks for live threads right after
        // undeploy and reports one that has not ended yet as a leak.
        try {
            if (!timer.awaitTermination(TIMER_STOP_LIMIT.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warning("the prediction-timeouts thread did not stop within " + TIMER_STOP_LIMIT.toMillis() + " ms");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Whether every thread this client started has ended: what Tomcat checks right after undeploy. */
    boolean threadsEnded() {
        return !listener.isAlive() && timer.isTerminated();
    }

    private static java.util.concurrent.ThreadFactory daemonThreadsNamed(String name) {
        return runnable -> {
            Thread thread = Executors.defaultThreadFactory().newThread(runnable);
            thread.setName(name);
            thread.setDaemon(true);
            return thread;
        };
    }
}
