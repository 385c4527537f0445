package io.imageclassifier.daemon;

import io.imageclassifier.protocol.PredictionResult;
import io.imageclassifier.protocol.QueueKeys;
import io.imageclassifier.protocol.ResultChannel;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * Jobs from the Redis job stream, taken as one member of the daemons' consumer group: jobs a dead
 * daemon left behind first ({@link StaleJobReclaimer}), else new ones ({@link NewJobReader});
 * entries that are not jobs never get this far ({@link JobDecoder}); results and
 * acknowledgements go back through the {@link JobAnswerer}.
 */
public final class RedisJobSource implements JobSource {

    private static final Logger LOG = Logger.getLogger(RedisJobSource.class.getName());

    private final UnifiedJedis redis;
    private final QueueKeys keys;
    private final String consumer;
    private final NewJobReader reader;
    private final StaleJobReclaimer reclaimer;
    private final JobAnswerer answerer;
    /** Jobs taken and not yet acknowledged; the consumer may leave the group only at zero. */
    private int inHand;

    public RedisJobSource(UnifiedJedis redis, QueueKeys keys, String consumer, ResultChannel resultChannel,
                          Duration claimIdle, Clock clock) {
        this.redis = redis;
        this.keys = keys;
        this.consumer = consumer;
        this.answerer = new JobAnswerer(redis, keys, resultChannel);
        JobDecoder decoder = new JobDecoder(answerer);
        this.reader = new NewJobReader(redis, keys, consumer, decoder);
        this.reclaimer = new StaleJobReclaimer(redis, keys, consumer, claimIdle, clock, decoder);
    }

    /** Creates the stream and the daemons' group unless another daemon already did. */
    public void joinGroup() {
        try {
            // From id 0, so jobs queued before any daemon ever ran are served too.
            redis.xgroupCreate(keys.jobStream(), QueueKeys.DAEMON_GROUP, new StreamEntryID(0, 0), true);
        } catch (JedisDataException e) {
            if (e.getMessage() == null || !e.getMessage().startsWith("BUSYGROUP")) {
                throw e;
            }
        }
    }

    @Override
    public List<QueuedJob> take(int max, Duration wait) {
        try {
            List<QueuedJob> reclaimed = reclaimer.reclaimIfDue(max);
            List<QueuedJob> jobs = reclaimed.isEmpty() ? reader.read(max, wait) : reclaimed;
            inHand += jobs.size();
            return jobs;
        } catch (JedisDataException e) {
            if (e.getMessage() == null || !e.getMessage().startsWith("NOGROUP")) {
                throw e;
            }
            // Redis restarted without persistence: the stream and the group are gone. Whatever
            // is queued from now on lands in a new stream, which needs the group again.
            LOG.warning("the job stream or its consumer group is gone (Redis restarted?); creating them again");
            joinGroup();
            return List.of();
        }
    }

    /**
     * Removes this daemon from the group when it stops, so stopped daemons do not pile up in
     * XINFO CONSUMERS. Only when it holds no unacknowledged job: deleting a consumer drops its
     * pending jobs, which must stay claimable instead.
     */
    public void leaveGroup() {
        if (inHand == 0) {
            redis.xgroupDelConsumer(keys.jobStream(), QueueKeys.DAEMON_GROUP, consumer);
        }
    }

    @Override
    public void answer(Map<QueuedJob, PredictionResult> results) {
        answerer.answer(results);
        inHand -= results.size();
    }

    @Override
    public void discard(List<QueuedJob> jobs) {
        answerer.discard(jobs);
        inHand -= jobs.size();
    }
}
