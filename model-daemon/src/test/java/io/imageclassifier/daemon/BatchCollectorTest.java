package io.imageclassifier.daemon;

import static io.imageclassifier.daemon.Jobs.ids;
import static io.imageclassifier.daemon.Jobs.job;
import static io.imageclassifier.daemon.Jobs.jobs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.imageclassifier.daemon.InMemoryJobSource.Take;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BatchCollectorTest {

    private static final long START = 1_000_000L;
    /** A deadline no test reaches. */
    private static final long LATER = START + 60_000L;
    private static final Duration IDLE_WAIT = Duration.ofSeconds(1);
    private static final Duration NO_DELAY = Duration.ZERO;

    private final ManualClock clock = new ManualClock(START);
    private final InMemoryJobSource source = new InMemoryJobSource(clock);

    @Test
    void jobsAlreadyQueuedAreTakenTogetherInOneBatch() throws Exception {
        source.queue(jobs("a", 5, LATER));

        Batch batch = collector(32, NO_DELAY).nextBatch();

        assertEquals(List.of("a-0", "a-1", "a-2", "a-3", "a-4"), ids(batch.jobs()));
        assertEquals(List.of(), batch.expired());
        assertEquals(List.of(new Take(32, IDLE_WAIT)), source.takes());
    }

    @Test
    void fortyQueuedJobsWithBatchSizeSixteenMakeBatchesOfSixteenSixteenAndEight() throws Exception {
        source.queue(jobs("a", 40, LATER));
        BatchCollector collector = collector(16, NO_DELAY);

        assertEquals(16, collector.nextBatch().jobs().size());
        assertEquals(16, collector.nextBatch().jobs().size());
        assertEquals(8, collector.nextBatch().jobs().size());
        assertTrue(collector.nextBatch().isEmpty());
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 32})
    void batchNeverExceedsTheBatchSize(int batchSize) throws Exception {
        source.queue(jobs("a", 100, LATER));
        BatchCollector collector = collector(batchSize, Duration.ofMillis(50));

        while (source.waitingJobs() > 0) {
            int size = collector.nextBatch().jobs().size();
            assertTrue(size >= 1 && size <= batchSize, "batch of " + size);
        }
    }

    @Test
    void keepsJobOrderAcrossBatches() throws Exception {
        source.queue(jobs("a", 5, LATER));
        BatchCollector collector = collector(2, NO_DELAY);

        assertEquals(List.of("a-0", "a-1"), ids(collector.nextBatch().jobs()));
        assertEquals(List.of("a-2", "a-3"), ids(collector.nextBatch().jobs()));
        assertEquals(List.of("a-4"), ids(collector.nextBatch().jobs()));
    }

    @Test
    void emptyQueueGivesAnEmptyBatchAfterOneIdleWait() throws Exception {
        Batch batch = collector(32, Duration.ofMillis(5)).nextBatch();

        assertTrue(batch.isEmpty());
        assertEquals(List.of(new Take(32, IDLE_WAIT)), source.takes());
        assertEquals(START + IDLE_WAIT.toMillis(), clock.millis());
    }

    @Test
    void waitsForTheFirstJobUpToTheIdleWait() throws Exception {
        source.arriveAt(START + 400, job("a", LATER));

        Batch batch = collector(32, NO_DELAY).nextBatch();

        assertEquals(List.of("a"), ids(batch.jobs()));
        assertEquals(START + 400, clock.millis());
    }

    @Test
    void withoutMaxDelayTakesOnlyOnceAndDoesNotWaitForMore() throws Exception {
        source.queue(List.of(job("first", LATER))).arriveAt(START + 1, job("second", LATER));
        BatchCollector collector = collector(32, NO_DELAY);

        Batch batch = collector.nextBatch();

        assertEquals(List.of("first"), ids(batch.jobs()));
        assertEquals(1, source.takes().size());
        assertEquals(START, clock.millis());
        assertEquals(List.of("second"), ids(collector.nextBatch().jobs()));
    }

    @Test
    void withMaxDelayKeepsTakingUntilTheBatchIsFull() throws Exception {
        source.queue(List.of(job("a", LATER)))
                .arriveAt(START + 2, job("b", LATER))
                .arriveAt(START + 5, job("c", LATER), job("d", LATER))
                .arriveAt(START + 7, job("e", LATER));

        Batch batch = collector(4, Duration.ofMillis(10)).nextBatch();

        assertEquals(List.of("a", "b", "c", "d"), ids(batch.jobs()));
        assertEquals(START + 5, clock.millis(), "stops as soon as the batch is full");
    }

    @Test
    void withMaxDelayAsksOnlyForTheRoomLeftAndWaitsOnlyTheDelayLeft() throws Exception {
        source.queue(List.of(job("a", LATER)))
                .arriveAt(START + 3, job("b", LATER));

        collector(4, Duration.ofMillis(10)).nextBatch();

        assertEquals(List.of(
                new Take(4, IDLE_WAIT),
                new Take(3, Duration.ofMillis(10)),
                new Take(2, Duration.ofMillis(7))), source.takes());
    }

    @Test
    void withMaxDelayStopsWhenTheDelayHasPassed() throws Exception {
        source.queue(List.of(job("a", LATER)))
                .arriveAt(START + 3, job("b", LATER))
                .arriveAt(START + 20, job("late", LATER));
        BatchCollector collector = collector(4, Duration.ofMillis(10));

        Batch batch = collector.nextBatch();

        assertEquals(List.of("a", "b"), ids(batch.jobs()));
        assertEquals(START + 10, clock.millis());
        assertEquals(List.of("late"), ids(collector.nextBatch().jobs()));
    }

    @Test
    void delayIsCountedFromTheFirstJobNotFromTheStartOfTheIdleWait() throws Exception {
        source.arriveAt(START + 500, job("a", LATER))
                .arriveAt(START + 508, job("b", LATER))
                .arriveAt(START + 515, job("too-late", LATER));

        Batch batch = collector(4, Duration.ofMillis(10)).nextBatch();

        assertEquals(List.of("a", "b"), ids(batch.jobs()));
        assertEquals(START + 510, clock.millis());
    }

    @Test
    void expiredJobsAreSeparatedAndNeverInTheBatch() throws Exception {
        source.queue(List.of(
                job("expired", START - 1),
                job("due-now", START),
                job("live", LATER),
                job("long-expired", START - 30_000)));

        Batch batch = collector(32, NO_DELAY).nextBatch();

        assertEquals(List.of("due-now", "live"), ids(batch.jobs()));
        assertEquals(List.of("expired", "long-expired"), ids(batch.expired()));
    }

    @Test
    void batchOfOnlyExpiredJobsHasNoWorkButIsNotEmpty() throws Exception {
        source.queue(List.of(job("expired", START - 1)));

        Batch batch = collector(32, NO_DELAY).nextBatch();

        assertEquals(List.of(), batch.jobs());
        assertEquals(List.of("expired"), ids(batch.expired()));
        assertFalse(batch.isEmpty());
    }

    @Test
    void jobThatExpiresWhileTheBatchFillsIsExpired() throws Exception {
        source.queue(List.of(job("short-deadline", START + 5), job("live", LATER)));

        Batch batch = collector(4, Duration.ofMillis(10)).nextBatch();

        assertEquals(List.of("live"), ids(batch.jobs()));
        assertEquals(List.of("short-deadline"), ids(batch.expired()));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1})
    void batchSizeBelowOneIsRejected(int batchSize) {
        assertThrows(IllegalArgumentException.class, () -> collector(batchSize, NO_DELAY));
    }

    private BatchCollector collector(int batchSize, Duration maxDelay) {
        return new BatchCollector(source, clock, batchSize, maxDelay, IDLE_WAIT);
    }
}
