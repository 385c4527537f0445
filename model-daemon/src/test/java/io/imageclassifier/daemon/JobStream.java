package io.imageclassifier.daemon;

import io.imageclassifier.protocol.PredictionJob;
import io.imageclassifier.protocol.PredictionResult;
import io.imageclassifier.protocol.QueueKeys;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.params.XAddParams;
import redis.clients.jedis.params.XReadGroupParams;
import redis.clients.jedis.resps.StreamConsumerInfo;
import redis.clients.jedis.resps.StreamEntry;

/**
 * The job stream on a throwaway redis-server, as the web tier and the other daemons see it: queue
 * jobs, let another daemon take them, and look at what is pending, who is in the group and what
 * each web instance was answered.
 */
final class JobStream {

    static final QueueKeys KEYS = new QueueKeys("image_queue");
    static final String WEB_INSTANCE = "web-1";
    static final String REPLY_TO = KEYS.resultList(WEB_INSTANCE);

    private final RedisClient redis;

    JobStream(RedisClient redis) {
        this.redis = redis;
    }

    /** Creates the stream and the daemons' group, as a daemon that started before did. */
    JobStream withGroup() {
        redis.xgroupCreate(KEYS.jobStream(), QueueKeys.DAEMON_GROUP, new StreamEntryID(0, 0), true);
        return this;
    }

    /** Queues a 2x2 job as the web tier does; returns its entry id. */
    String queue(String jobId, long deadlineMillis) {
        PredictionJob job = Jobs.job(jobId, deadlineMillis).job();
        PredictionJob replyingHere = new PredictionJob(job.id(), REPLY_TO, job.deadlineMillis(), job.width(),
                job.height(), job.rgbPixels());
        return new String(redis.xadd(bytes(KEYS.jobStream()), XAddParams.xAddParams(),
                replyingHere.toStreamFields()), StandardCharsets.UTF_8);
    }

    /** Queues an entry with just these fields, which need not make a job. */
    String queueEntry(Map<String, String> fields) {
        return redis.xadd(KEYS.jobStream(), XAddParams.xAddParams(), fields).toString();
    }

    /** Another daemon takes up to {@code count} new jobs (and, say, is killed before answering). */
    List<String> deliverTo(String consumer, int count) {
        List<Map.Entry<String, List<StreamEntry>>> read = redis.xreadGroup(QueueKeys.DAEMON_GROUP, consumer,
                XReadGroupParams.xReadGroupParams().count(count),
                Map.of(KEYS.jobStream(), StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY));
        if (read == null || read.isEmpty()) {
            return List.of();
        }
        return read.get(0).getValue().stream().map(entry -> entry.getID().toString()).toList();
    }

    /** Entries still in the stream, answered or not. */
    long length() {
        return redis.xlen(KEYS.jobStream());
    }

    /** Jobs each consumer holds without having acknowledged them. */
    Map<String, Long> pendingByConsumer() {
        Map<String, Long> pending = redis.xpending(KEYS.jobStream(), QueueKeys.DAEMON_GROUP)
                .getConsumerMessageCount();
        return pending == null ? Map.of() : pending;
    }

    /** The group's consumers, by name, with how many jobs each holds. */
    Map<String, Long> consumers() {
        Map<String, Long> consumers = new LinkedHashMap<>();
        for (StreamConsumerInfo info : redis.xinfoConsumers2(KEYS.jobStream(), QueueKeys.DAEMON_GROUP)) {
            consumers.put(info.getName(), info.getPending());
        }
        return Collections.unmodifiableMap(consumers);
    }

    /** Everything the web instance was answered, oldest first, as its listener would read it. */
    List<PredictionResult> results() {
        List<String> oldestFirst = new ArrayList<>(redis.lrange(REPLY_TO, 0, -1));
        Collections.reverse(oldestFirst);
        return oldestFirst.stream().map(PredictionResult::fromJson).toList();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
