package io.imageclassifier.web.http;

import io.imageclassifier.web.image.DecodeMemoryBusyException;
import io.imageclassifier.web.image.ImageTooLargeException;
import io.imageclassifier.web.image.UnreadableImageException;
import io.imageclassifier.web.queue.PredictionTimedOutException;
import io.imageclassifier.web.queue.PredictionWithdrawnException;
import io.imageclassifier.web.queue.QueueClosedException;
import io.imageclassifier.web.queue.QueueFullException;
import io.imageclassifier.web.queue.QueueOverloadedException;
import io.imageclassifier.web.queue.QueueUnavailableException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The one place where a failure becomes an HTTP answer: the status, the Retry-After hint and the
 * message for each failure the queue client, the image preprocessing or the request itself names.
 */
final class HttpErrors {

    private static final Logger LOG = Logger.getLogger(HttpErrors.class.getName());
    /** A full queue drains at the model's pace; a few seconds is a fair hint. */
    private static final int QUEUE_FULL_RETRY_AFTER_SECONDS = 5;
    /** Reconnecting is quick once Redis is back, and a pooled connection frees up within a request. */
    private static final int REDIS_RETRY_AFTER_SECONDS = 1;
    /** A job withdrawn from the queue (an operator's flush) can be sent again at once. */
    private static final int WITHDRAWN_RETRY_AFTER_SECONDS = 1;
    /** About one large decode. */
    private static final int DECODE_BUSY_RETRY_AFTER_SECONDS = 2;
    private static final HttpError INTERNAL = new HttpError(500, 0, "internal error");

    private HttpErrors() {
    }

    /** The answer to {@code failure}; one nobody named is a 500 without detail, logged here. */
    static HttpError of(Throwable failure) {
        if (failure instanceof QueueFullException full) {
            return new HttpError(503, QUEUE_FULL_RETRY_AFTER_SECONDS,
                    "the queue is full (" + full.queued() + " images waiting); try again shortly");
        }
        if (failure instanceof QueueUnavailableException) {
            return new HttpError(503, REDIS_RETRY_AFTER_SECONDS, "the job queue (Redis) is unavailable; try again shortly");
        }
        if (failure instanceof QueueOverloadedException) {
            return new HttpError(503, REDIS_RETRY_AFTER_SECONDS,
                    "the service is overloaded (no Redis connection came free in time); try again shortly");
        }
        if (failure instanceof PredictionTimedOutException timedOut) {
            return new HttpError(504, 0, "the model daemon did not answer within " + timedOut.timeout().toMillis()
                    + " ms; is it running? (see the model daemon's log)");
        }
        if (failure instanceof PredictionWithdrawnException withdrawn) {
            return new HttpError(503, WITHDRAWN_RETRY_AFTER_SECONDS, withdrawn.reason() + "; send it again");
        }
        if (failure instanceof QueueClosedException) {
            return new HttpError(503, 0, "the web application is shutting down");
        }
        if (failure instanceof UnreadableImageException) {
            return new HttpError(400, 0, failure.getMessage());
        }
        if (failure instanceof ImageTooLargeException) {
            return new HttpError(413, 0, failure.getMessage());
        }
        if (failure instanceof DecodeMemoryBusyException) {
            return new HttpError(503, DECODE_BUSY_RETRY_AFTER_SECONDS, failure.getMessage());
        }
        if (failure instanceof ApiException api) {
            return new HttpError(api.status(), 0, api.getMessage());
        }
        LOG.log(Level.SEVERE, "prediction failed", failure);
        return INTERNAL;
    }

    /** The model daemon ran the job and reported an error instead of predictions. */
    static HttpError modelFailed(String error) {
        return new HttpError(500, 0, "the model could not classify the image: " + error);
    }
}
