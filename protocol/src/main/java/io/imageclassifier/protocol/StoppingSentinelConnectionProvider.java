package io.imageclassifier.protocol;

import java.time.Duration;
import java.util.Set;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import redis.clients.jedis.Connection;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.providers.SentineledConnectionProvider;
import redis.clients.jedis.util.Delay;

/**
 * Jedis's Sentinel connection provider, except that {@link #close()} returns only once its
 * listener threads (one per Sentinel, watching for failovers) have ended.
 *
 * <p>Jedis's own close only asks them to stop. A listener whose Sentinel is gone sleeps before
 * its next try and lives on for that long; undeploying the web app then leaves a thread of its
 * class loader running, which Tomcat reports as a leak. They are not interrupted, because Jedis
 * logs an interrupted sleep as an error; waiting is bounded by one retry pause plus one connect.
 */
final class StoppingSentinelConnectionProvider extends SentineledConnectionProvider {

    /** How long a listener waits before asking a Sentinel it lost again (Jedis's default too). */
    static final Duration RESUBSCRIBE_DELAY = Duration.ofSeconds(5);

    private final Duration longestListenerExit;

    StoppingSentinelConnectionProvider(String masterName, JedisClientConfig masterConfig,
                                       GenericObjectPoolConfig<Connection> poolConfig, Set<HostAndPort> sentinels,
                                       JedisClientConfig sentinelConfig) {
        super(masterName, masterConfig, poolConfig, sentinels, sentinelConfig, Delay.constant(RESUBSCRIBE_DELAY));
        // A listener may be in its pause, or connecting to a Sentinel that does not answer.
        this.longestListenerExit = RESUBSCRIBE_DELAY
                .plusMillis(sentinelConfig.getConnectionTimeoutMillis())
                .plusMillis(sentinelConfig.getSocketTimeoutMillis())
                .plusSeconds(1);
    }

    @Override
    public void close() {
        super.close();
        long deadline = System.nanoTime() + longestListenerExit.toNanos();
        for (Thread listener : sentinelListeners) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            try {
                listener.join(Math.max(1, left / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
