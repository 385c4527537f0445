package io.imageclassifier.daemon;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Forms batches the way dynamic batching does in serving systems: wait (blocking, not polling)
 * for a first job, take everything already queued up to the batch size in the same call, and
 * only if a maximum delay is configured, wait that long at most for the batch to fill.
 */
public final class BatchCollector {

    private final JobSource source;
    private final Clock clock;
    private final int batchSize;
    private final Duration maxDelay;
    private final Duration idleWait;

    /**
     * @param idleWait how long one wait for a first job may block; bounds how quickly the daemon
     *                 notices a shutdown request while the queue is empty
     */
    public BatchCollector(JobSource source, Clock clock, int batchSize, Duration maxDelay, Duration idleWait) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
        }
        this.source = source;
        this.clock = clock;
        this.batchSize = batchSize;
        this.maxDelay = maxDelay;
        this.idleWait = idleWait;
    }

    /** The next batch; empty when no job came within the idle wait. */
    public Batch nextBatch() throws InterruptedException {
        List<QueuedJob> taken = new ArrayList<>(source.take(batchSize, idleWait));
        if (taken.isEmpty()) {
            return new Batch(List.of(), List.of());
        }
        long fillDeadline = clock.millis() + maxDelay.toMillis();
        while (taken.size() < batchSize) {
            long remaining = fillDeadline - clock.millis();
            if (remaining <= 0) {
                break;
            }
            List<QueuedJob> more = source.take(batchSize - taken.size(), Duration.ofMillis(remaining));
            taken.addAll(more);
        }
        long now = clock.millis();
        List<QueuedJob> live = new ArrayList<>();
        List<QueuedJob> expired = new ArrayList<>();
        for (QueuedJob queued : taken) {
            (queued.job().isExpired(now) ? expired : live).add(queued);
        }
        return new Batch(live, expired);
    }
}
