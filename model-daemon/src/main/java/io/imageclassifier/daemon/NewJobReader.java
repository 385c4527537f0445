package io.imageclassifier.daemon;

import io.imageclassifier.protocol.QueueKeys;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.XReadGroupParams;
import redis.clients.jedis.resps.StreamEntryBinary;

/**
 * Reads jobs no daemon has had yet, as this daemon's member of the daemons' group. XREADGROUP
 * hands each entry to one daemon and keeps it pending until XACK, so a job is recorded in Redis
 * until its result is written.
 */
final class NewJobReader {

    private final UnifiedJedis redis;
    private final byte[] stream;
    private final byte[] group;
    private final byte[] consumer;
    private final JobDecoder decoder;

    NewJobReader(UnifiedJedis redis, QueueKeys keys, String consumer, JobDecoder decoder) {
        this.redis = redis;
        this.stream = bytes(keys.jobStream());
        this.group = bytes(QueueKeys.DAEMON_GROUP);
        this.consumer = bytes(consumer);
        this.decoder = decoder;
    }

    /** Up to {@code max} new jobs, waiting at most {@code wait} for the first. */
    List<QueuedJob> read(int max, Duration wait) {
        XReadGroupParams params = XReadGroupParams.xReadGroupParams().count(max);
        if (!wait.isZero()) {
            // BLOCK 0 would mean forever; zero wait is expressed by leaving BLOCK out.
            params.block(Math.toIntExact(Math.max(wait.toMillis(), 1)));
        }
        List<Map.Entry<byte[], List<StreamEntryBinary>>> read = redis.xreadGroupBinary(group, consumer,
                params, Map.of(stream, StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY));
        if (read == null || read.isEmpty()) {
            return List.of();
        }
        return decoder.decode(read.get(0).getValue());
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
