package io.imageclassifier.ops;

import io.imageclassifier.protocol.PredictionJob;
import io.imageclassifier.protocol.PredictionResult;
import io.imageclassifier.protocol.QueueKeys;
import io.imageclassifier.protocol.RedisClients;
import io.imageclassifier.protocol.ResultChannel;
import io.imageclassifier.protocol.Settings;
import java.util.List;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.resps.StreamEntry;

/**
 * {@code scripts/flush-queue}: empties this service's job queue, and nothing else in Redis (the
 * original deployment used FLUSHALL, which also takes every other application's data).
 *
 * <p>It removes the jobs no daemon has taken yet and answers each at once with an error, so its
 * request fails now with a reason instead of waiting for its timeout. Jobs a daemon has taken
 * (being classified, or left by a crashed daemon for another to claim) are left to the daemons.
 * A job a daemon takes in the instant between the two may be answered twice; the first answer
 * wins, as always. Result lists and daemon heartbeats stay: they belong to live processes and
 * expire by themselves.
 */
public final class QueueFlush {

    static final String REASON = "the job was removed from the queue by an operator (scripts/flush-queue)";
    private static final int PAGE = 100;

    private QueueFlush() {
    }

    public static void main(String[] args) {
        Settings settings = Settings.load();
        QueueKeys keys = QueueKeys.from(settings);
        try (UnifiedJedis redis = RedisClients.create(settings, 1, 0)) {
            long removed = flush(redis, keys, ResultChannel.from(settings));
            System.out.println("removed " + removed + " queued jobs from '" + keys.jobStream()
                    + "' on " + RedisClients.describe(settings) + " and answered their requests");
        }
    }

    /** @return how many jobs were removed */
    static long flush(UnifiedJedis redis, QueueKeys keys, ResultChannel results) {
        long removed = 0;
        String after = lastDelivered(redis, keys);
        while (true) {
            List<StreamEntry> page = redis.xrange(keys.jobStream(), after == null ? "-" : "(" + after, "+", PAGE);
            if (page == null || page.isEmpty()) {
                return removed;
            }
            AbstractPipeline pipeline = redis.pipelined();
            try (pipeline) {
                for (StreamEntry entry : page) {
                    String replyTo = entry.getFields().get(PredictionJob.FIELD_REPLY_TO);
                    String jobId = entry.getFields().get(PredictionJob.FIELD_ID);
                    if (replyTo != null && jobId != null) {
                        results.send(pipeline, replyTo, PredictionResult.withdrawn(jobId, REASON));
                    }
                    pipeline.xdel(keys.jobStream(), entry.getID());
                }
                pipeline.sync();
            }
            removed += page.size();
            after = page.get(page.size() - 1).getID().toString();
        }
    }

    /** The newest entry handed to a daemon, or null when no daemon group exists yet. */
    private static String lastDelivered(UnifiedJedis redis, QueueKeys keys) {
        if (!redis.exists(keys.jobStream())) {
            return null;
        }
        return redis.xinfoGroups(keys.jobStream()).stream()
                .filter(group -> QueueKeys.DAEMON_GROUP.equals(group.getName()))
                .map(group -> group.getLastDeliveredId().toString())
                .findFirst().orElse(null);
    }
}
