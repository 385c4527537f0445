package io.imageclassifier.web.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import io.imageclassifier.protocol.Prediction;
import io.imageclassifier.protocol.PredictionResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.exceptions.JedisConnectionException;

class PendingPredictionsTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    /** The timeout tasks handed to the timer, to be run by hand; nothing runs by itself. */
    private final List<Runnable> scheduledTimeouts = new ArrayList<>();
    private final List<ScheduledFuture<?>> timeoutHandles = new ArrayList<>();
    private final ScheduledExecutorService timer = mock(ScheduledExecutorService.class);
    private PendingPredictions pending;

    @BeforeEach
    void manualTimer() {
        when(timer.schedule(any(Runnable.class), anyLong(), any(TimeUnit.class))).thenAnswer(call -> {
            scheduledTimeouts.add(call.getArgument(0));
            ScheduledFuture<?> handle = mock(ScheduledFuture.class);
            timeoutHandles.add(handle);
            return handle;
        });
        pending = new PendingPredictions(timer);
    }

    @Test
    void completeDeliversTheResultToItsRequestAndForgetsIt() throws Exception {
        CompletableFuture<PredictionResult> future = pending.register("job-1", TIMEOUT);
        PredictionResult result = PredictionResult.success("job-1", List.of(new Prediction("tabby", 0.9)));

        assertTrue(pending.complete(result));

        assertSame(result, future.get());
        assertEquals(0, pending.size());
    }

    @Test
    void completeCancelsTheTimeout() {
        pending.register("job-1", TIMEOUT);

        pending.complete(PredictionResult.failure("job-1", "inference failed"));

        verify(timeoutHandles.get(0)).cancel(false);
    }

    @Test
    void aWithdrawnJobFailsItsRequestNamingTheReasonAndForgetsIt() {
        CompletableFuture<PredictionResult> future = pending.register("job-1", TIMEOUT);

        assertTrue(pending.complete(PredictionResult.withdrawn("job-1", "removed from the queue by an operator")));

        PredictionWithdrawnException error = assertFailedWith(PredictionWithdrawnException.class, future);
        assertEquals("removed from the queue by an operator", error.reason());
        assertEquals(0, pending.size());
        verify(timeoutHandles.get(0)).cancel(false);
    }

    @Test
    void knowsTheStreamEntryOfEachQueuedJobUntilItsRequestEnds() {
        pending.register("job-1", TIMEOUT);
        pending.register("job-2", TIMEOUT);
        pending.register("job-3", TIMEOUT);   // its job is still on its way to the stream
        pending.queued("job-1", "1-0");
        pending.queued("job-2", "2-0");
        pending.queued("job-gone", "3-0");     // its request has already ended

        assertEquals(Map.of("job-1", "1-0", "job-2", "2-0"), pending.queuedEntries());

        pending.complete(PredictionResult.failure("job-1", "inference failed"));
        assertTrue(pending.fail("job-2", new QueueClosedException()));

        assertEquals(Map.of(), pending.queuedEntries());
        assertFalse(pending.fail("job-2", new QueueClosedException()), "ended once only");
    }

    @Test
    void resultGoesOnlyToTheRequestWithItsId() {
        CompletableFuture<PredictionResult> first = pending.register("job-1", TIMEOUT);
        CompletableFuture<PredictionResult> second = pending.register("job-2", TIMEOUT);

        pending.complete(PredictionResult.failure("job-2", "inference failed"));

        assertFalse(first.isDone());
        assertTrue(second.isDone());
        assertEquals(1, pending.size());
    }

    @Test
    void completeForAnUnknownIdReturnsFalse() {
        pending.register("job-1", TIMEOUT);

        assertFalse(pending.complete(PredictionResult.failure("someone-else", "x")));
        assertEquals(1, pending.size());
    }

    @Test
    void secondResultForTheSameJobReturnsFalse() {
        pending.register("job-1", TIMEOUT);
        pending.complete(PredictionResult.failure("job-1", "first"));

        assertFalse(pending.complete(PredictionResult.failure("job-1", "second")));
    }

    @Test
    void registerSchedulesTheTimeoutAfterTheRequestTimeout() {
        pending.register("job-1", Duration.ofMillis(1500));

        verify(timer).schedule(any(Runnable.class), eq(1500L), eq(TimeUnit.MILLISECONDS));
    }

    @Test
    void timeoutFailsTheRequestAsTimedOutAndForgetsIt() {
        CompletableFuture<PredictionResult> future = pending.register("job-1", TIMEOUT);

        scheduledTimeouts.get(0).run();

        PredictionTimedOutException error = assertFailedWith(PredictionTimedOutException.class, future);
        assertEquals(TIMEOUT, error.timeout());
        assertTrue(error.getMessage().contains("30000 ms"), error.getMessage());
        assertEquals(0, pending.size());
    }

    @Test
    void resultArrivingAfterTheTimeoutFindsNobody() {
        CompletableFuture<PredictionResult> future = pending.register("job-1", TIMEOUT);
        scheduledTimeouts.get(0).run();

        assertFalse(pending.complete(PredictionResult.failure("job-1", "too late")));
        assertFailedWith(PredictionTimedOutException.class, future);
    }

    @Test
    void timeoutAfterTheResultChangesNothing() throws Exception {
        CompletableFuture<PredictionResult> future = pending.register("job-1", TIMEOUT);
        PredictionResult result = PredictionResult.failure("job-1", "inference failed");
        pending.complete(result);

        scheduledTimeouts.get(0).run();

        assertSame(result, future.get());
    }

    @Test
    void failFailsOneRequestWithTheGivenError() {
        CompletableFuture<PredictionResult> failed = pending.register("job-1", TIMEOUT);
        CompletableFuture<PredictionResult> other = pending.register("job-2", TIMEOUT);
        QueueUnavailableException unavailable = new QueueUnavailableException(new JedisConnectionException("Redis is down"));

        pending.fail("job-1", unavailable);

        assertSame(unavailable, assertFailedWith(QueueUnavailableException.class, failed));
        assertFalse(other.isDone());
        assertEquals(1, pending.size());
        verify(timeoutHandles.get(0)).cancel(false);
        verify(timeoutHandles.get(1), never()).cancel(false);
    }

    @Test
    void failForAnUnknownIdDoesNothing() {
        CompletableFuture<PredictionResult> future = pending.register("job-1", TIMEOUT);

        pending.fail("someone-else", new QueueClosedException());

        assertFalse(future.isDone());
    }

    @Test
    void failAllFailsEveryWaitingRequest() {
        CompletableFuture<PredictionResult> first = pending.register("job-1", TIMEOUT);
        CompletableFuture<PredictionResult> second = pending.register("job-2", TIMEOUT);

        pending.failAll(new QueueClosedException());

        assertFailedWith(QueueClosedException.class, first);
        assertFailedWith(QueueClosedException.class, second);
        assertEquals(0, pending.size());
    }

    @Test
    void duplicateIdIsRejectedAndTheFirstRequestKeepsWaiting() {
        CompletableFuture<PredictionResult> first = pending.register("job-1", TIMEOUT);

        assertThrows(IllegalStateException.class, () -> pending.register("job-1", TIMEOUT));

        assertFalse(first.isDone());
        assertEquals(1, pending.size());
        assertTrue(pending.complete(PredictionResult.failure("job-1", "x")));
    }

    @Test
    void timerThatRefusesTheTimeoutLeavesNothingWaiting() {
        when(timer.schedule(any(Runnable.class), anyLong(), any(TimeUnit.class)))
                .thenThrow(new RejectedExecutionException("timer is shut down"));

        assertThrows(QueueClosedException.class, () -> pending.register("job-1", TIMEOUT));

        assertEquals(0, pending.size());
    }

    private static <T extends Throwable> T assertFailedWith(Class<T> type, CompletableFuture<?> future) {
        ExecutionException failure = assertThrows(ExecutionException.class, future::get);
        return assertInstanceOf(type, failure.getCause());
    }
}
