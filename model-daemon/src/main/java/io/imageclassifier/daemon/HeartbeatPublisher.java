package io.imageclassifier.daemon;

import io.imageclassifier.protocol.DaemonHeartbeat;
import java.time.Clock;
import java.util.function.Consumer;
import java.util.function.Supplier;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.UnifiedJedis;

/**
 * Writes the daemon's heartbeat hash at most once per {@link DaemonHeartbeat#INTERVAL}. It is
 * called from the serving loop itself, so a daemon whose loop hangs stops beating too; the beat
 * is built only when one is due, not on every pass of the loop.
 */
final class HeartbeatPublisher implements Consumer<Supplier<DaemonHeartbeat>> {

    private final UnifiedJedis redis;
    private final String key;
    private final Clock clock;
    private long nextBeatMillis;

    HeartbeatPublisher(UnifiedJedis redis, String key, Clock clock) {
        this.redis = redis;
        this.key = key;
        this.clock = clock;
    }

    @Override
    public void accept(Supplier<DaemonHeartbeat> beat) {
        long now = clock.millis();
        if (now < nextBeatMillis) {
            return;
        }
        AbstractPipeline pipeline = redis.pipelined();
        try (pipeline) {
            pipeline.hset(key, beat.get().toHash());
            pipeline.pexpire(key, DaemonHeartbeat.TTL.toMillis());
            pipeline.sync();
        }
        nextBeatMillis = now + DaemonHeartbeat.INTERVAL.toMillis();
    }

    /** Stops counting this daemon at once, rather than when the TTL runs out. */
    void remove() {
        redis.del(key);
    }
}
