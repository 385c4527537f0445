package io.imageclassifier.web;

import io.imageclassifier.protocol.DaemonHeartbeat;
import java.util.List;
import redis.clients.jedis.exceptions.JedisException;

/** Whether the service can answer predictions now: Redis answers and a model daemon is alive. */
final class ReadinessProbe {

    private final ServiceState state;

    ReadinessProbe(ServiceState state) {
        this.state = state;
    }

    /** @param redisError null when Redis answered; daemons whose heartbeat has not expired */
    record Readiness(String redisError, List<DaemonHeartbeat> daemons) {
        boolean ready() {
            return redisError == null && !daemons.isEmpty();
        }
    }

    Readiness check() {
        try {
            state.ping();
            return new Readiness(null, state.liveDaemons());
        } catch (JedisException e) {
            return new Readiness("Redis is unreachable: " + e.getMessage(), List.of());
        }
    }
}
