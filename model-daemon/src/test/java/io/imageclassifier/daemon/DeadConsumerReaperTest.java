package io.imageclassifier.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.imageclassifier.protocol.QueueKeys;
import io.imageclassifier.testing.ThrowawayRedisExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.StreamEntryID;

/** The consumer-removal script against a real redis-server: whom it removes, whom it spares, what it returns. */
class DeadConsumerReaperTest {

    private static final long LATER = Long.MAX_VALUE;
    private static final Duration IDLE = Duration.ofMillis(100);
    @RegisterExtension
    static final ThrowawayRedisExtension REDIS = new ThrowawayRedisExtension();

    private RedisClient redis;
    private JobStream stream;
    private DeadConsumerReaper reaper;

    @BeforeEach
    void connect() {
        redis = REDIS.client();
        stream = new JobStream(redis).withGroup();
        reaper = new DeadConsumerReaper(redis, JobStream.KEYS);
    }

    @Test
    void removesAConsumerThatHoldsNoJobAndWasIdleLongerThanTheIdleTime() {
        joinAs("stopped");
        sleep(IDLE.toMillis() * 2);

        assertEquals(1, reaper.reap(IDLE));
        assertEquals(Map.of(), stream.consumers());
    }

    @Test
    void sparesAConsumerThatHoldsAJobHoweverLongItWasIdle() {
        stream.queue("a", LATER);
        stream.deliverTo("killed", 1);
        sleep(IDLE.toMillis() * 2);

        assertEquals(0, reaper.reap(IDLE));
        assertEquals(Map.of("killed", 1L), stream.consumers(), "its job must stay claimable");
    }

    @Test
    void sparesAConsumerIdleForLessThanTheIdleTime() {
        joinAs("reading");

        assertEquals(0, reaper.reap(Duration.ofMinutes(1)));
        assertEquals(Map.of("reading", 0L), stream.consumers());
    }

    @Test
    void removesExactlyTheConsumersThatQualifyAndCountsThem() {
        joinAs("stopped-1");
        joinAs("stopped-2");
        stream.queue("a", LATER);
        stream.deliverTo("killed", 1);
        sleep(IDLE.toMillis() * 2);
        joinAs("reading");

        assertEquals(2, reaper.reap(IDLE));
        assertEquals(Map.of("killed", 1L, "reading", 0L), stream.consumers());
    }

    @Test
    void leavesOtherGroupsOnTheSameStreamAlone() {
        redis.xgroupCreate(JobStream.KEYS.jobStream(), "other-readers", new StreamEntryID(0, 0), false);
        redis.xgroupCreateConsumer(JobStream.KEYS.jobStream(), "other-readers", "stopped");
        sleep(IDLE.toMillis() * 2);

        assertEquals(0, reaper.reap(IDLE));
        assertEquals(1, redis.xinfoConsumers2(JobStream.KEYS.jobStream(), "other-readers").size());
    }

    @Test
    void aGroupWithoutConsumersIsNothingToDo() {
        assertEquals(0, reaper.reap(IDLE));
    }

    /**
     * The check and the delete are one step: a consumer that takes a job while the script runs is
     * never deleted with it, which would drop the job from the pending list (its XACK would then
     * find nothing to acknowledge).
     */
    @Test
    void aJobTakenWhileTheScriptRunsIsNeverDroppedFromThePendingList() throws Exception {
        int jobs = 300;
        for (int i = 0; i < jobs; i++) {
            stream.queue("j" + i, LATER);
        }
        AtomicBoolean reading = new AtomicBoolean(true);
        Thread reaping = new Thread(() -> {
            try (RedisClient own = REDIS.server().client()) {
                DeadConsumerReaper concurrent = new DeadConsumerReaper(own, JobStream.KEYS);
                while (reading.get()) {
                    concurrent.reap(Duration.ZERO);
                }
            }
        });
        reaping.start();
        long acknowledged = 0;
        try {
            for (int i = 0; i < jobs; i++) {
                for (String entryId : stream.deliverTo("busy", 1)) {
                    acknowledged += redis.xack(JobStream.KEYS.jobStream(), QueueKeys.DAEMON_GROUP,
                            new StreamEntryID(entryId));
                }
            }
        } finally {
            reading.set(false);
            reaping.join();
        }

        assertEquals(jobs, acknowledged, "every job taken was still pending when acknowledged");
    }

    private void joinAs(String consumer) {
        redis.xgroupCreateConsumer(JobStream.KEYS.jobStream(), QueueKeys.DAEMON_GROUP, consumer);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
