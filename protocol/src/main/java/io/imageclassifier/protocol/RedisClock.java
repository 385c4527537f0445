package io.imageclassifier.protocol;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.logging.Logger;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.UnifiedJedis;

/**
 * The time on Redis's clock, read without a round trip per call: this host's clock plus the
 * offset last measured with Redis's TIME. Job deadlines are stamped by a web host and checked by
 * a daemon host; on their own clocks, a skew past the request timeout made every job look
 * expired (every request 504) or never expire, with nothing in the logs pointing at clocks. Both
 * sides use this clock instead, so only Redis's time matters.
 */
public final class RedisClock extends Clock {

    /** How often both sides measure the offset anew: clocks drift slowly, NTP steps are rare. */
    public static final java.time.Duration SYNC_INTERVAL = java.time.Duration.ofSeconds(10);
    /** An offset past this is said in the log: clocks that far apart are worth a sysadmin's look. */
    private static final long NOTABLE_OFFSET_MILLIS = 1000;
    private static final Logger LOG = Logger.getLogger(RedisClock.class.getName());

    private final Clock local;
    private final LongSupplier redisMillis;
    private volatile long offsetMillis;
    private boolean offsetWasNotable;

    /**
     * @param local       this host's clock
     * @param redisMillis Redis's time in epoch milliseconds, asked for anew on each call
     */
    public RedisClock(Clock local, LongSupplier redisMillis) {
        this.local = local;
        this.redisMillis = redisMillis;
    }

    /** A clock that reads Redis's time with the TIME command. */
    public static RedisClock of(UnifiedJedis redis) {
        return new RedisClock(Clock.systemUTC(), () -> timeMillis(redis));
    }

    /**
     * Measures the offset anew: the Redis time is taken to belong to the middle of the round
     * trip. Call it at start and every few seconds; a Redis error propagates and keeps the
     * offset as it was.
     */
    public synchronized void sync() {
        long before = local.millis();
        long redis = redisMillis.getAsLong();
        long after = local.millis();
        offsetMillis = redis - (before + after) / 2;
        boolean notable = Math.abs(offsetMillis) > NOTABLE_OFFSET_MILLIS;
        if (notable != offsetWasNotable) {
            LOG.warning(notable ? "this host's clock is " + offsetMillis + " ms off Redis's; job deadlines follow"
                    + " Redis's clock, so requests are unaffected, but check NTP on both hosts"
                    : "this host's clock agrees with Redis's again (" + offsetMillis + " ms)");
            offsetWasNotable = notable;
        }
    }

    /** Redis's clock minus this host's, as last measured. */
    public long offsetMillis() {
        return offsetMillis;
    }

    @Override
    public long millis() {
        return local.millis() + offsetMillis;
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis());
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("Redis time is kept in UTC");
    }

    @SuppressWarnings("unchecked")
    private static long timeMillis(UnifiedJedis redis) {
        // TIME answers [seconds, microseconds] as bulk strings.
        List<byte[]> time = (List<byte[]>) redis.sendCommand(Protocol.Command.TIME);
        long seconds = Long.parseLong(new String(time.get(0), java.nio.charset.StandardCharsets.US_ASCII));
        long micros = Long.parseLong(new String(time.get(1), java.nio.charset.StandardCharsets.US_ASCII));
        return seconds * 1000 + micros / 1000;
    }
}
