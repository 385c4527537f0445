package io.imageclassifier.web.queue;

/**
 * Redis answers, but no pooled connection came free in time: this web instance has more
 * requests at once than connections. Worth retrying shortly.
 */
public final class QueueOverloadedException extends PredictionQueueException {

    public QueueOverloadedException(Throwable cause) {
        super("no Redis connection came free in time", cause);
    }
}
