package io.imageclassifier.daemon;

import io.imageclassifier.protocol.QueueKeys;
import java.time.Duration;
import java.util.List;
import java.util.logging.Logger;
import redis.clients.jedis.UnifiedJedis;

/**
 * A daemon that was killed stays listed in XINFO CONSUMERS; once its jobs are taken over, it is
 * removed. A live daemon reads every second, so it never looks idle for the claim idle time; and
 * one that did would lose nothing, holding no job, and join again on its next read.
 */
final class DeadConsumerReaper {

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
    private static final Logger LOG = Logger.getLogger(DeadConsumerReaper.class.getName());

    private final UnifiedJedis redis;
    private final String stream;

    DeadConsumerReaper(UnifiedJedis redis, QueueKeys keys) {
        this.redis = redis;
        this.stream = keys.jobStream();
    }

    /** Removes the daemons' consumers that hold no job and were idle longer than {@code idle}; returns how many. */
    long reap(Duration idle) {
        Object removed = redis.eval(REMOVE_IDLE_CONSUMERS, List.of(stream),
                List.of(QueueKeys.DAEMON_GROUP, Long.toString(idle.toMillis())));
        long count = removed instanceof Long number ? number : 0;
        if (count > 0) {
            LOG.info("removed " + count + " consumers from the group that held no job and were idle for over "
                    + idle.toMillis() + " ms (daemons that stopped without leaving)");
        }
        return count;
    }
}
