package io.imageclassifier.daemon;

import static io.imageclassifier.daemon.Jobs.ids;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.imageclassifier.protocol.PredictionResult;
import io.imageclassifier.protocol.ResultChannel;
import io.imageclassifier.testing.ThrowawayRedisExtension;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.RedisClient;

/** The daemon's whole Redis side against a real redis-server: what the web tier and other daemons see. */
class RedisJobSourceTest {

    private static final long START = 1_000_000L;
    private static final long LATER = START + 60_000L;
    private static final String CONSUMER = "daemon-1";
    /** Short, so a test can outwait it; long enough that a job just taken is not claimed. */
    private static final Duration CLAIM_IDLE = Duration.ofMillis(200);
    /** Longer than any test: nothing is ever taken over. */
    private static final Duration NEVER_CLAIM = Duration.ofMinutes(10);
    @RegisterExtension
    static final ThrowawayRedisExtension REDIS = new ThrowawayRedisExtension();

    private final ManualClock clock = new ManualClock(START);
    private RedisClient redis;
    private JobStream stream;

    @BeforeEach
    void connect() {
        redis = REDIS.client();
        stream = new JobStream(redis);
    }

    @Test
    void jobsQueuedBeforeAnyDaemonJoinedAreServed() {
        String first = stream.queue("a", LATER);
        String second = stream.queue("b", LATER);
        RedisJobSource source = source(NEVER_CLAIM);

        source.joinGroup();
        List<QueuedJob> taken = source.take(10, Duration.ZERO);

        assertEquals(List.of("a", "b"), ids(taken));
        assertEquals(List.of(first, second), taken.stream().map(QueuedJob::entryId).toList());
        assertEquals(JobStream.REPLY_TO, taken.get(0).job().replyTo());
    }

    @Test
    void joiningAGroupAnotherDaemonCreatedIsHarmless() {
        stream.withGroup();
        stream.queue("a", LATER);
        RedisJobSource source = source(NEVER_CLAIM);

        source.joinGroup();
        source.joinGroup();

        assertEquals(List.of("a"), ids(source.take(10, Duration.ZERO)));
    }

    @Test
    void takesAtMostMaxJobsInQueueOrder() {
        stream.withGroup();
        for (String id : List.of("a", "b", "c")) {
            stream.queue(id, LATER);
        }
        RedisJobSource source = source(NEVER_CLAIM);

        assertEquals(List.of("a", "b"), ids(source.take(2, Duration.ZERO)));
        assertEquals(List.of("c"), ids(source.take(2, Duration.ZERO)));
    }

    @Test
    void takeWithoutWaitReturnsAtOnceWhenNothingIsQueued() {
        stream.withGroup();
        RedisJobSource source = source(NEVER_CLAIM);

        // A BLOCK 0 would wait forever.
        List<QueuedJob> taken = assertTimeoutPreemptively(Duration.ofSeconds(5),
                () -> source.take(4, Duration.ZERO));

        assertTrue(taken.isEmpty());
    }

    @Test
    void takeWaitsForAJobThatArrivesWithinTheWait() throws Exception {
        stream.withGroup();
        RedisJobSource source = source(NEVER_CLAIM);
        Thread webTier = new Thread(() -> {
            sleep(200);
            stream.queue("late", LATER);
        });

        webTier.start();
        List<QueuedJob> taken = source.take(4, Duration.ofSeconds(10));
        webTier.join();

        assertEquals(List.of("late"), ids(taken));
    }

    @Test
    void answeredJobsReachTheirWebInstanceInOrderAndLeaveTheStream() {
        stream.withGroup();
        stream.queue("a", LATER);
        stream.queue("b", LATER);
        RedisJobSource source = source(NEVER_CLAIM);
        List<QueuedJob> taken = source.take(10, Duration.ZERO);
        Map<QueuedJob, PredictionResult> results = new LinkedHashMap<>();
        results.put(taken.get(0), PredictionResult.failure("a", "first"));
        results.put(taken.get(1), PredictionResult.failure("b", "second"));

        source.answer(results);

        assertEquals(List.copyOf(results.values()), stream.results());
        assertEquals(0, stream.length());
        assertEquals(Map.of(), stream.pendingByConsumer());
    }

    @Test
    void discardedJobsLeaveTheStreamUnanswered() {
        stream.withGroup();
        stream.queue("gave-up", LATER);
        RedisJobSource source = source(NEVER_CLAIM);

        source.discard(source.take(10, Duration.ZERO));

        assertEquals(List.of(), stream.results());
        assertEquals(0, stream.length());
        assertEquals(Map.of(), stream.pendingByConsumer());
    }

    @Test
    void aMalformedEntryIsAnsweredWithAnErrorAndNeverHandedOut() {
        stream.withGroup();
        stream.queueEntry(Map.of("id", "broken", "reply_to", JobStream.REPLY_TO, "deadline_ms", "soon"));
        stream.queue("fine", LATER);
        RedisJobSource source = source(NEVER_CLAIM);

        List<QueuedJob> taken = source.take(10, Duration.ZERO);

        assertEquals(List.of("fine"), ids(taken));
        assertEquals(List.of(PredictionResult.failure("broken", "malformed job")), stream.results());
        assertEquals(1, stream.length(), "only the good job is left, until it is answered");
        assertEquals(Map.of(CONSUMER, 1L), stream.pendingByConsumer());
    }

    @Test
    void aMalformedEntryThatNamesNoReplyListIsDroppedUnanswered() {
        stream.withGroup();
        stream.queueEntry(Map.of("id", "broken"));
        RedisJobSource source = source(NEVER_CLAIM);

        assertEquals(List.of(), source.take(10, Duration.ZERO));
        assertEquals(0, stream.length());
        assertEquals(Map.of(), stream.pendingByConsumer());
        assertFalse(redis.exists(JobStream.REPLY_TO));
    }

    @Test
    void jobsADeadDaemonLeftPendingAreTakenOverBeforeNewOnes() {
        stream.withGroup();
        stream.queue("a", LATER);
        stream.queue("b", LATER);
        stream.deliverTo("dead", 10);
        stream.queue("new", LATER);
        sleep(CLAIM_IDLE.toMillis() * 2);
        RedisJobSource source = source(CLAIM_IDLE);

        assertEquals(List.of("a", "b"), ids(source.take(10, Duration.ZERO)));
        assertEquals(List.of("new"), ids(source.take(10, Duration.ZERO)));
        assertEquals(Map.of(CONSUMER, 3L), stream.pendingByConsumer());
    }

    @Test
    void aDeadDaemonLeavesTheGroupOnceItsJobsAreTakenOver() {
        stream.withGroup();
        stream.queue("a", LATER);
        stream.deliverTo("dead", 10);
        sleep(CLAIM_IDLE.toMillis() * 2);
        RedisJobSource source = source(CLAIM_IDLE);

        source.take(10, Duration.ZERO);

        assertEquals(Map.of(CONSUMER, 1L), stream.consumers());
    }

    @Test
    void jobsPendingForLessThanTheClaimIdleTimeStayWithTheirDaemon() {
        stream.withGroup();
        stream.queue("busy", LATER);
        stream.deliverTo("alive", 1);
        stream.queue("new", LATER);
        RedisJobSource source = source(NEVER_CLAIM);

        assertEquals(List.of("new"), ids(source.take(10, Duration.ZERO)));
        assertEquals(Map.of("alive", 1L, CONSUMER, 1L), stream.pendingByConsumer());
    }

    @Test
    void pendingJobsAreLookedAtOnlyEveryHalfClaimIdleTime() {
        stream.withGroup();
        RedisJobSource source = source(CLAIM_IDLE);
        assertEquals(List.of(), source.take(10, Duration.ZERO));   // looked at START: nothing pending
        stream.queue("a", LATER);
        stream.deliverTo("dead", 1);
        sleep(CLAIM_IDLE.toMillis() * 2);

        clock.advanceTo(START + CLAIM_IDLE.toMillis() / 2 - 1);
        assertEquals(List.of(), source.take(10, Duration.ZERO));
        clock.advanceTo(START + CLAIM_IDLE.toMillis() / 2);
        assertEquals(List.of("a"), ids(source.take(10, Duration.ZERO)));
    }

    @Test
    void aMalformedEntryTakenOverFromADeadDaemonIsAnsweredToo() {
        stream.withGroup();
        stream.queueEntry(Map.of("id", "broken", "reply_to", JobStream.REPLY_TO));
        stream.deliverTo("dead", 1);
        sleep(CLAIM_IDLE.toMillis() * 2);
        RedisJobSource source = source(CLAIM_IDLE);

        assertEquals(List.of(), source.take(10, Duration.ZERO));
        assertEquals(List.of(PredictionResult.failure("broken", "malformed job")), stream.results());
        assertEquals(0, stream.length());
    }

    @Test
    void aStreamThatVanishedWithItsGroupIsCreatedAgain() {
        stream.withGroup();
        RedisJobSource source = source(NEVER_CLAIM);
        redis.del(JobStream.KEYS.jobStream());   // Redis restarted without persistence

        assertEquals(List.of(), source.take(10, Duration.ZERO));
        stream.queue("after-restart", LATER);
        assertEquals(List.of("after-restart"), ids(source.take(10, Duration.ZERO)));
    }

    @Test
    void leavingTheGroupWaitsUntilNoJobIsInHand() {
        stream.withGroup();
        stream.queue("a", LATER);
        RedisJobSource source = source(NEVER_CLAIM);
        List<QueuedJob> taken = source.take(10, Duration.ZERO);

        source.leaveGroup();
        assertEquals(Map.of(CONSUMER, 1L), stream.consumers(), "its job must stay claimable");

        source.answer(Map.of(taken.get(0), PredictionResult.failure("a", "x")));
        source.leaveGroup();
        assertEquals(Map.of(), stream.consumers());
    }

    private RedisJobSource source(Duration claimIdle) {
        return new RedisJobSource(redis, JobStream.KEYS, CONSUMER, new ResultChannel(Duration.ofMinutes(1)),
                claimIdle, clock);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
