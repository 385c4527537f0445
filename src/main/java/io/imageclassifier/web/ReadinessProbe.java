package io.imageclassifier.web;

import io.imageclassifier.protocol.DaemonHeartbeat;
import io.imageclassifier.protocol.MalformedMessageException;
import io.imageclassifier.protocol.QueueKeys;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/** Whether the service can answer predictions now: Redis answers and a model daemon is alive. */
final class ReadinessProbe {

    private final RedisClient redis;
    private final QueueKeys keys;

    ReadinessProbe(RedisClient redis, QueueKeys keys) {
        this.redis = redis;
        this.keys = keys;
    }

    /** @param redisError null when Redis answered; daemons whose heartbeat has not expired */
    record Readiness(String redisError, List<DaemonHeartbeat> daemons) {
        boolean ready() {
            return redisError == null && !daemons.isEmpty();
        }
    }

    Readiness check() {
        try {
            redis.ping();
            return new Readiness(null, liveDaemons());
        } catch (JedisException e) {
            return new Readiness("Redis is unreachable: " + e.getMessage(), List.of());
        }
    }

    private List<DaemonHeartbeat> liveDaemons() {
        List<DaemonHeartbeat> daemons = new ArrayList<>();
        ScanParams match = new ScanParams().match(keys.daemonHeartbeatPattern()).count(100);
        String cursor = ScanParams.SCAN_POINTER_START;
        do {
            ScanResult<String> page = redis.scan(cursor, match);
            for (String key : page.getResult()) {
                Map<String, String> hash = redis.hgetAll(key);
                try {
                    if (!hash.isEmpty()) {
                        daemons.add(DaemonHeartbeat.fromHash(hash));
                    }
                } catch (MalformedMessageException e) {
                    // A heartbeat from another version of the daemon: not counted as ready.
                }
            }
            cursor = page.getCursor();
        } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        return daemons;
    }
}
