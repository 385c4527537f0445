package io.imageclassifier.web.queue;

/** The queue client is stopping with the web application: it takes no jobs and waits for no answers. */
public final class QueueClosedException extends PredictionQueueException {

    public QueueClosedException() {
        super("the prediction queue is closed");
    }

    public QueueClosedException(Throwable cause) {
        super("the prediction queue is closed", cause);
    }
}
