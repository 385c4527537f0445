package io.imageclassifier.web.queue;

/** Redis failed or did not answer in time, so the job was not queued. Worth retrying: it reconnects by itself. */
public final class QueueUnavailableException extends PredictionQueueException {

    public QueueUnavailableException(Throwable cause) {
        super("the job queue (Redis) is unavailable: " + cause.getMessage(), cause);
    }
}
