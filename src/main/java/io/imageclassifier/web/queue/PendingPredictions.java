package io.imageclassifier.web.queue;

import io.imageclassifier.protocol.PredictionResult;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The requests of this web instance that wait for a result, by job id.
 *
 * <p>Each waits on a future, not on a thread: the result listener completes it when the answer
 * arrives, or the timer fails it with a {@link PredictionTimedOutException} when the timeout passes.
 * Whichever comes first wins; the other finds nothing to do.
 */
final class PendingPredictions {

    private final Map<String, CompletableFuture<PredictionResult>> waiting = new ConcurrentHashMap<>();
    /** Job id to its entry in the job stream, for the waiting requests whose job was queued. */
    private final Map<String, String> entries = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer;

    PendingPredictions(ScheduledExecutorService timer) {
        this.timer = timer;
    }

    /** Starts waiting for {@code jobId}; the returned future fails after {@code timeout}. */
    CompletableFuture<PredictionResult> register(String jobId, Duration timeout) {
        CompletableFuture<PredictionResult> result = new CompletableFuture<>();
        if (waiting.putIfAbsent(jobId, result) != null) {
            throw new IllegalStateException("job " + jobId + " is already waiting");
        }
        ScheduledFuture<?> expiry;
        try {
            expiry = timer.schedule(
                    // A block: as an expression, fail()'s boolean would make this a Callable.
                    () -> {
                        fail(jobId, new PredictionTimedOutException(timeout));
                    },
                    timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            waiting.remove(jobId, result);
            throw new QueueClosedException(e);
        }
        result.whenComplete((value, error) -> {
            expiry.cancel(false);
            waiting.remove(jobId, result);
            entries.remove(jobId);
        });
        return result;
    }

    /** Records where the job of a waiting request went on the stream. */
    void queued(String jobId, String entryId) {
        CompletableFuture<PredictionResult> future = waiting.get(jobId);
        if (future != null) {
            entries.put(jobId, entryId);
            if (future.isDone()) {
                entries.remove(jobId);   // answered between the two lines above
            }
        }
    }

    /** Job id to stream entry id of every waiting request whose job is queued, at this moment. */
    Map<String, String> queuedEntries() {
        return Map.copyOf(entries);
    }

    /**
     * Hands a result to its waiting request; false when nobody waits for it any more. A job that
     * was withdrawn unrun fails its request instead: there is no answer to hand over.
     */
    boolean complete(PredictionResult result) {
        CompletableFuture<PredictionResult> future = waiting.get(result.jobId());
        if (future == null) {
            return false;
        }
        return result.withdrawn()
                ? future.completeExceptionally(new PredictionWithdrawnException(result.error()))
                : future.complete(result);
    }

    /** Fails one waiting request, e.g. when its job could not be queued; false if none waited. */
    boolean fail(String jobId, PredictionQueueException error) {
        CompletableFuture<PredictionResult> future = waiting.get(jobId);
        return future != null && future.completeExceptionally(error);
    }

    /** Fails every waiting request; used when the web app stops. */
    void failAll(PredictionQueueException error) {
        waiting.values().forEach(future -> future.completeExceptionally(error));
    }

    int size() {
        return waiting.size();
    }
}
