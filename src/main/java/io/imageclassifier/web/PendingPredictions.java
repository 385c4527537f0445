package io.imageclassifier.web;

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
 * arrives, or the timer fails it with a {@link GatewayTimeoutException} when the timeout passes.
 * Whichever comes first wins; the other finds nothing to do.
 */
final class PendingPredictions {

    private final Map<String, CompletableFuture<PredictionResult>> waiting = new ConcurrentHashMap<>();
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
                    () -> fail(jobId, new GatewayTimeoutException("the model daemon did not answer within "
                            + timeout.toMillis() + " ms; is it running? (see the model daemon's log)")),
                    timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            waiting.remove(jobId, result);
            throw new ServiceUnavailableException("the web application is shutting down", e);
        }
        result.whenComplete((value, error) -> {
            expiry.cancel(false);
            waiting.remove(jobId, result);
        });
        return result;
    }

    /** Hands a result to its waiting request; false when nobody waits for it any more. */
    boolean complete(PredictionResult result) {
        CompletableFuture<PredictionResult> future = waiting.get(result.jobId());
        return future != null && future.complete(result);
    }

    /** Fails one waiting request, e.g. when its job could not be queued. */
    void fail(String jobId, ApiException error) {
        CompletableFuture<PredictionResult> future = waiting.get(jobId);
        if (future != null) {
            future.completeExceptionally(error);
        }
    }

    /** Fails every waiting request; used when the web app stops. */
    void failAll(ApiException error) {
        waiting.values().forEach(future -> future.completeExceptionally(error));
    }

    int size() {
        return waiting.size();
    }
}
