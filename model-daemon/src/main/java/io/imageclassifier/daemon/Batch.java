package io.imageclassifier.daemon;

import java.util.List;

/**
 * What one turn of the daemon works on.
 *
 * @param jobs    jobs to run through the model together, at most the batch size
 * @param expired jobs whose caller gave up before the daemon got to them: no compute for nobody
 */
public record Batch(List<QueuedJob> jobs, List<QueuedJob> expired) {

    public boolean isEmpty() {
        return jobs.isEmpty() && expired.isEmpty();
    }
}
