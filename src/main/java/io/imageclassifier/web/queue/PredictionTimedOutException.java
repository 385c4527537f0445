package io.imageclassifier.web.queue;

import java.time.Duration;

/** No model daemon answered the job within the time its request could wait. */
public final class PredictionTimedOutException extends PredictionQueueException {

    private final Duration timeout;

    public PredictionTimedOutException(Duration timeout) {
        super("no answer from a model daemon within " + timeout.toMillis() + " ms");
        this.timeout = timeout;
    }

    public Duration timeout() {
        return timeout;
    }
}
