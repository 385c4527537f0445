package io.imageclassifier.daemon;

import io.imageclassifier.protocol.MalformedMessageException;
import io.imageclassifier.protocol.PredictionJob;
import io.imageclassifier.protocol.PredictionResult;
import io.imageclassifier.protocol.QueueKeys;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.XReadGroupParams;
import redis.clients.jedis.resps.StreamEntryBinary;

/**
 * Jobs from the Redis job stream, read as one member of the daemons' consumer group.
 *
 * <p>XREADGROUP hands each entry to one daemon and keeps it pending until XACK, so a job is
 * recorded in Redis until its result is written. Results and acknowledgements for a whole batch
 * go in one pipelined round trip.
 */
public final class RedisJobSource implements JobSource {

    private static final Logger LOG = Logger.getLogger(RedisJobSource.class.getName());

    private final RedisClient redis;
    private final QueueKeys keys;
    private final String consumer;
    private final byte[] stream;
    private final byte[] group;
    /** A result list outlives its web instance by this much at most. */
    private final Duration resultTtl;

    public RedisJobSource(RedisClient redis, QueueKeys keys, String consumer, Duration resultTtl) {
        this.redis = redis;
        this.keys = keys;
        this.consumer = consumer;
        this.stream = bytes(keys.jobStream());
        this.group = bytes(QueueKeys.DAEMON_GROUP);
        this.resultTtl = resultTtl;
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
        XReadGroupParams params = XReadGroupParams.xReadGroupParams().count(max);
        if (!wait.isZero()) {
            // BLOCK 0 would mean forever; zero wait is expressed by leaving BLOCK out.
            params.block(Math.toIntExact(Math.max(wait.toMillis(), 1)));
        }
        List<Map.Entry<byte[], List<StreamEntryBinary>>> read = redis.xreadGroupBinary(group, bytes(consumer),
                params, Map.of(stream, StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY));
        if (read == null || read.isEmpty()) {
            return List.of();
        }
        List<QueuedJob> jobs = new ArrayList<>();
        for (StreamEntryBinary entry : read.get(0).getValue()) {
            String entryId = entry.getID().toString();
            try {
                jobs.add(new QueuedJob(entryId, PredictionJob.fromStreamFields(entry.getFields())));
            } catch (MalformedMessageException e) {
                rejectPoison(entryId, entry.getFields(), e);
            }
        }
        return jobs;
    }

    @Override
    public void answer(Map<QueuedJob, PredictionResult> results) {
        AbstractPipeline pipeline = redis.pipelined();
        try (pipeline) {
            for (Map.Entry<QueuedJob, PredictionResult> answered : results.entrySet()) {
                String replyTo = answered.getKey().job().replyTo();
                pipeline.lpush(replyTo, answered.getValue().toJson());
                pipeline.pexpire(replyTo, resultTtl.toMillis());
            }
            acknowledge(pipeline, results.keySet().stream().map(QueuedJob::entryId).toList());
            pipeline.sync();
        }
    }

    @Override
    public void discard(List<QueuedJob> jobs) {
        AbstractPipeline pipeline = redis.pipelined();
        try (pipeline) {
            acknowledge(pipeline, jobs.stream().map(QueuedJob::entryId).toList());
            pipeline.sync();
        }
    }

    /**
     * A queue entry that is not a job would fail forever if retried: answer it with an error when
     * it says where to, acknowledge it, and move on.
     */
    private void rejectPoison(String entryId, Map<byte[], byte[]> fields, MalformedMessageException error) {
        LOG.warning("discarding malformed queue entry " + entryId + ": " + error.getMessage());
        String replyTo = PredictionJob.replyToOf(fields);
        String jobId = PredictionJob.idOf(fields);
        AbstractPipeline pipeline = redis.pipelined();
        try (pipeline) {
            if (replyTo != null && jobId != null) {
                pipeline.lpush(replyTo, PredictionResult.failure(jobId, "malformed job").toJson());
                pipeline.pexpire(replyTo, resultTtl.toMillis());
            }
            acknowledge(pipeline, List.of(entryId));
            pipeline.sync();
        }
    }

    /** XACK releases the entry from the group; XDEL keeps the stream from growing without bound. */
    private void acknowledge(AbstractPipeline pipeline, List<String> entryIds) {
        if (entryIds.isEmpty()) {
            return;
        }
        StreamEntryID[] ids = entryIds.stream().map(StreamEntryID::new).toArray(StreamEntryID[]::new);
        pipeline.xack(keys.jobStream(), QueueKeys.DAEMON_GROUP, ids);
        pipeline.xdel(keys.jobStream(), ids);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
