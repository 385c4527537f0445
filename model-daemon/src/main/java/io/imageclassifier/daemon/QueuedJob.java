package io.imageclassifier.daemon;

import io.imageclassifier.protocol.PredictionJob;

/** A job as taken from the queue: its queue entry id (for acknowledging) and its content. */
public record QueuedJob(String entryId, PredictionJob job) {
}
