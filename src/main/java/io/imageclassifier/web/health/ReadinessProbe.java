package io.imageclassifier.web.health;

import java.util.List;
import redis.clients.jedis.exceptions.JedisException;

/** Whether the service can answer predictions now: Redis answers and a model daemon is alive. */
public final class ReadinessProbe {

    private final ServiceState state;

    public ReadinessProbe(ServiceState state) {
        this.state = state;
    }

    /**
     * @param redisError null when Redis answered
     * @param daemons    daemons whose heartbeat has not expired (an empty list when Redis did not answer)
     */
    record Readiness(String redisError, ServiceState.LiveDaemons daemons) {
        boolean ready() {
            return redisError == null && daemons.count() > 0;
        }
    }

    Readiness check() {
        try {
            state.ping();
            return new Readiness(null, state.liveDaemons());
        } catch (JedisException e) {
            return new Readiness("Redis is unreachable: " + e.getMessage(), new ServiceState.LiveDaemons(List.of(), List.of()));
        }
    }
}
