package io.imageclassifier.web;

import io.imageclassifier.protocol.DaemonHeartbeat;
import io.imageclassifier.protocol.MalformedMessageException;
import io.imageclassifier.protocol.QueueKeys;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * What Redis knows about the service right now: the queue and the live model daemons. Read by
 * the readiness check and by {@code /metrics}; every method may throw a Jedis exception when
 * Redis is unreachable.
 */
class ServiceState {

    private final RedisClient redis;
    private final QueueKeys keys;

    ServiceState(RedisClient redis, QueueKeys keys) {
        this.redis = redis;
        this.keys = keys;
    }

    void ping() {
        redis.ping();
    }

    /** Jobs in the stream: waiting, or taken by a daemon and not yet answered. */
    long queueLength() {
        return redis.xlen(keys.jobStream());
    }

    /** The daemons whose heartbeat has not expired. */
    List<DaemonHeartbeat> liveDaemons() {
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
                    // A heartbeat from another version of the daemon: not counted.
                }
            }
            cursor = page.getCursor();
        } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        return daemons;
    }
}
