package io.imageclassifier.daemon;

import io.imageclassifier.protocol.PredictionResult;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Where a daemon takes jobs from and sends their results to. Redis in production, a list in tests. */
public interface JobSource {

    /**
     * Takes up to {@code max} queued jobs in one go, waiting at most {@code wait} for the first one
     * ({@link Duration#ZERO}: do not wait). Returns an empty list when nothing came.
     */
    List<QueuedJob> take(int max, Duration wait) throws InterruptedException;

    /** Sends each job its result and then acknowledges it, so it is never handed out again. */
    void answer(Map<QueuedJob, PredictionResult> results);

    /** Acknowledges jobs without answering: their caller has already given up waiting. */
    void discard(List<QueuedJob> jobs);
}
