package io.imageclassifier.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class RedisClockTest {

    private static final long HOUR = 3_600_000L;
    private static final long TIMEOUT = 30_000L;

    /** A host's clock, set and moved by the test. */
    private static final class HostClock extends Clock {
        long millis;

        HostClock(long millis) {
            this.millis = millis;
        }

        @Override
        public long millis() {
            return millis;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    private long redisNow = 1_700_000_000_000L;
    private final HostClock webHost = new HostClock(redisNow - HOUR);      // an hour slow
    private final HostClock daemonHost = new HostClock(redisNow + HOUR);   // an hour fast

    private void elapse(long millis) {
        redisNow += millis;
        webHost.millis += millis;
        daemonHost.millis += millis;
    }

    @Test
    void hostClocksTwoHoursApartAgreeOnWhenAJobExpires() {
        RedisClock web = new RedisClock(webHost, () -> redisNow);
        RedisClock daemon = new RedisClock(daemonHost, () -> redisNow);
        web.sync();
        daemon.sync();
        PredictionJob job = job(web.millis() + TIMEOUT);

        elapse(1_000);
        assertFalse(job.isExpired(daemon.millis()), "1 s after it was queued");
        elapse(TIMEOUT);
        assertTrue(job.isExpired(daemon.millis()), "31 s after it was queued");
    }

    @Test
    void onTheHostsOwnClocksTheSameJobLooksExpiredAtOnce() {
        PredictionJob job = job(webHost.millis() + TIMEOUT);

        elapse(1_000);

        assertTrue(job.isExpired(daemonHost.millis()), "what the daemons did before: every request became a 504");
    }

    @Test
    void takesRedisTimeToBelongToTheMiddleOfTheRoundTrip() {
        HostClock host = new HostClock(5_000);
        RedisClock clock = new RedisClock(host, () -> {
            host.millis += 40;   // a 40 ms round trip; Redis read its clock half-way
            return 9_020;
        });

        clock.sync();

        assertEquals(9_020 - 5_020, clock.offsetMillis());
        assertEquals(host.millis() + 4_000, clock.millis());
    }

    private static PredictionJob job(long deadlineMillis) {
        return new PredictionJob("job", "results", deadlineMillis, 1, 1, new byte[] {1, 2, 3});
    }
}
