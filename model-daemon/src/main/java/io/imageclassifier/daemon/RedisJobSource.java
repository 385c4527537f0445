package io.imageclassifier.daemon;

import io.imageclassifier.protocol.MalformedMessageException;
import io.imageclassifier.protocol.PredictionJob;
import io.imageclassifier.protocol.PredictionResult;
import io.imageclassifier.protocol.QueueKeys;
import io.imageclassifier.protocol.ResultChannel;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.XAutoClaimParams;
import redis.clients.jedis.params.XReadGroupParams;
import redis.clients.jedis.resps.StreamEntryBinary;

/**
 * Jobs from the Redis job stream, read as one member of the daemons' consumer group.
 *
 * <p>XREADGROUP hands each entry to one daemon and keeps it pending until XACK, so a job is
 * recorded in Redis until its result is written. A job left pending longer than the claim idle
 * time belongs to a daemon presumed dead (killed mid-batch): XAUTOCLAIM takes it over, so it is
 * answered at least once. Results and acknowledgements for a whole batch go in one pipelined
 * round trip.
 */
public final class RedisJobSource implements JobSource {

    private static final Logger LOG = Logger.getLogger(RedisJobSource.class.getName());

    /**
     * KEYS[1] the job stream; ARGV[1] the group, ARGV[2] an idle time in ms. Deletes the group's
     * consumers that hold no job and were idle longer than that, and returns how many. A script,
     * so no consumer can take a job between the check and the delete (which would drop the job
     * from the pending list for good).
     */
    private static final String REMOVE_IDLE_CONSUMERS = """
            local removed = 0
            for _, consumer in ipairs(redis.call('XINFO', 'CONSUMERS', KEYS[1], ARGV[1])) do
              local info = {}
              for i = 1, #consumer, 2 do
                info[consumer[i]] = consumer[i + 1]
              end
              if info['pending'] == 0 and info['idle'] > tonumber(ARGV[2]) then
                redis.call('XGROUP', 'DELCONSUMER', KEYS[1], ARGV[1], info['name'])
                removed = removed + 1
              end
            end
            return removed
            """;

    private final RedisClient redis;
    private final QueueKeys keys;
    private final String consumer;
    private final byte[] stream;
    private final byte[] group;
    private final ResultChannel resultChannel;
    private final Duration claimIdle;
    private final Clock clock;
    private long nextClaimCheckMillis;
    /** Jobs taken and not yet acknowledged; the consumer may leave the group only at zero. */
    private int inHand;

    public RedisJobSource(RedisClient redis, QueueKeys keys, String consumer, ResultChannel resultChannel,
                          Duration claimIdle, Clock clock) {
        this.redis = redis;
        this.keys = keys;
        this.consumer = consumer;
        this.stream = bytes(keys.jobStream());
        this.group = bytes(QueueKeys.DAEMON_GROUP);
        this.resultChannel = resultChannel;
        this.claimIdle = claimIdle;
        this.clock = clock;
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
            List<QueuedJob> reclaimed = claimAbandonedIfDue(max);
            List<QueuedJob> jobs = reclaimed.isEmpty() ? readNew(max, wait) : reclaimed;
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

    private List<QueuedJob> readNew(int max, Duration wait) {
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
            decode(entry.getID().toString(), entry.getFields(), jobs);
        }
        return jobs;
    }

    /**
     * Every half claim-idle period, takes over up to {@code max} jobs that another daemon took
     * and never acknowledged within the claim idle time.
     */
    private List<QueuedJob> claimAbandonedIfDue(int max) {
        long now = clock.millis();
        if (now < nextClaimCheckMillis) {
            return List.of();
        }
        nextClaimCheckMillis = now + claimIdle.toMillis() / 2;
        List<Object> reply = redis.xautoclaim(stream, group, bytes(consumer), claimIdle.toMillis(),
                bytes("0-0"), XAutoClaimParams.xAutoClaimParams().count(max));
        List<QueuedJob> jobs = new ArrayList<>();
        // Reply: [next start id, [[entry id, [field, value, ...]], ...], [deleted ids]]
        if (reply != null && reply.size() >= 2 && reply.get(1) instanceof List<?> entries) {
            for (Object item : entries) {
                if (item instanceof List<?> entry && entry.size() == 2
                        && entry.get(0) instanceof byte[] id && entry.get(1) instanceof List<?> flat) {
                    decode(new String(id, StandardCharsets.UTF_8), pairs(flat), jobs);
                }
            }
        }
        if (!jobs.isEmpty()) {
            LOG.warning("took over " + jobs.size() + " jobs left unacknowledged for over "
                    + claimIdle.toMillis() + " ms (their daemon stopped mid-batch?)");
        }
        removeIdleConsumers();
        return jobs;
    }

    /**
     * A daemon that was killed stays listed in XINFO CONSUMERS; once its jobs are taken over, it
     * is removed. A live daemon reads every second, so it never looks idle for the claim idle
     * time; and one that did would lose nothing, holding no job, and join again on its next read.
     */
    private void removeIdleConsumers() {
        Object removed = redis.eval(REMOVE_IDLE_CONSUMERS, List.of(keys.jobStream()),
                List.of(QueueKeys.DAEMON_GROUP, Long.toString(claimIdle.toMillis())));
        if (removed instanceof Long count && count > 0) {
            LOG.info("removed " + count + " consumers from the group that held no job and were idle for over "
                    + claimIdle.toMillis() + " ms (daemons that stopped without leaving)");
        }
    }

    private static Map<byte[], byte[]> pairs(List<?> flat) {
        Map<byte[], byte[]> fields = new LinkedHashMap<>();
        for (int i = 0; i + 1 < flat.size(); i += 2) {
            fields.put((byte[]) flat.get(i), (byte[]) flat.get(i + 1));
        }
        return fields;
    }

    private void decode(String entryId, Map<byte[], byte[]> fields, List<QueuedJob> into) {
        try {
            into.add(new QueuedJob(entryId, PredictionJob.fromStreamFields(fields)));
        } catch (MalformedMessageException e) {
            rejectPoison(entryId, fields, e);
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
        AbstractPipeline pipeline = redis.pipelined();
        try (pipeline) {
            for (Map.Entry<QueuedJob, PredictionResult> answered : results.entrySet()) {
                resultChannel.send(pipeline, answered.getKey().job().replyTo(), answered.getValue());
            }
            acknowledge(pipeline, results.keySet().stream().map(QueuedJob::entryId).toList());
            pipeline.sync();
        }
        inHand -= results.size();
    }

    @Override
    public void discard(List<QueuedJob> jobs) {
        AbstractPipeline pipeline = redis.pipelined();
        try (pipeline) {
            acknowledge(pipeline, jobs.stream().map(QueuedJob::entryId).toList());
            pipeline.sync();
        }
        inHand -= jobs.size();
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
                resultChannel.send(pipeline, replyTo, PredictionResult.failure(jobId, "malformed job"));
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
