package io.imageclassifier.daemon;

import io.imageclassifier.protocol.QueueKeys;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.XAutoClaimParams;
import redis.clients.jedis.resps.StreamEntryBinary;

/**
 * Recovers what a daemon killed mid-batch leaves behind. Its jobs stay pending in the group: one
 * left unacknowledged longer than the claim idle time belongs to a daemon presumed dead, and
 * XAUTOCLAIM takes it over, so it is answered at least once. The dead daemon itself, once it
 * holds no job, is then removed from the group by the {@link DeadConsumerReaper}.
 */
final class StaleJobReclaimer {

    private static final Logger LOG = Logger.getLogger(StaleJobReclaimer.class.getName());

    private final UnifiedJedis redis;
    private final byte[] stream;
    private final byte[] group;
    private final byte[] consumer;
    private final Duration claimIdle;
    private final Clock clock;
    private final JobDecoder decoder;
    private final DeadConsumerReaper reaper;
    private long nextCheckMillis;

    StaleJobReclaimer(UnifiedJedis redis, QueueKeys keys, String consumer, Duration claimIdle, Clock clock,
                      JobDecoder decoder) {
        this.redis = redis;
        this.stream = bytes(keys.jobStream());
        this.group = bytes(QueueKeys.DAEMON_GROUP);
        this.consumer = bytes(consumer);
        this.claimIdle = claimIdle;
        this.clock = clock;
        this.decoder = decoder;
        this.reaper = new DeadConsumerReaper(redis, keys);
    }

    /**
     * Every half claim idle time, takes over up to {@code max} jobs that another daemon took and
     * never acknowledged within the claim idle time; between those checks, takes nothing.
     */
    List<QueuedJob> reclaimIfDue(int max) {
        long now = clock.millis();
        if (now < nextCheckMillis) {
            return List.of();
        }
        nextCheckMillis = now + claimIdle.toMillis() / 2;
        List<Object> reply = redis.xautoclaim(stream, group, consumer, claimIdle.toMillis(),
                bytes("0-0"), XAutoClaimParams.xAutoClaimParams().count(max));
        List<QueuedJob> jobs = decoder.decode(entries(reply));
        if (!jobs.isEmpty()) {
            LOG.warning("took over " + jobs.size() + " jobs left unacknowledged for over "
                    + claimIdle.toMillis() + " ms (their daemon stopped mid-batch?)");
        }
        reaper.reap(claimIdle);
        return jobs;
    }

    /** XAUTOCLAIM's reply: [next start id, [[entry id, [field, value, ...]], ...], [deleted ids]]. */
    private static List<StreamEntryBinary> entries(List<Object> reply) {
        List<StreamEntryBinary> entries = new ArrayList<>();
        if (reply != null && reply.size() >= 2 && reply.get(1) instanceof List<?> claimed) {
            for (Object item : claimed) {
                if (item instanceof List<?> entry && entry.size() == 2
                        && entry.get(0) instanceof byte[] id && entry.get(1) instanceof List<?> flat) {
                    entries.add(new StreamEntryBinary(new StreamEntryID(new String(id, StandardCharsets.UTF_8)),
                            pairs(flat)));
                }
            }
        }
        return entries;
    }

    private static Map<byte[], byte[]> pairs(List<?> flat) {
        Map<byte[], byte[]> fields = new LinkedHashMap<>();
        for (int i = 0; i + 1 < flat.size(); i += 2) {
            fields.put((byte[]) flat.get(i), (byte[]) flat.get(i + 1));
        }
        return fields;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
