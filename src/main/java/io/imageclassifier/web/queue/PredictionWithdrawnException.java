package io.imageclassifier.web.queue;

/**
 * The job was taken off the queue without being run (an operator's flush), or lost with it
 * (Redis restarted without persistence): it says nothing about the image, so the same request
 * may simply be sent again.
 */
public final class PredictionWithdrawnException extends PredictionQueueException {

    /** @param reason what the one who withdrew it said */
    public PredictionWithdrawnException(String reason) {
        super(reason);
    }

    public String reason() {
        return getMessage();
    }
}
