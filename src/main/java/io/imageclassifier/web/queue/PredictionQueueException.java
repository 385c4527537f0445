package io.imageclassifier.web.queue;

/**
 * Why the prediction queue could not take a job or bring its answer back. The queue names what
 * went wrong; what a client is told about it, and when to retry, is the HTTP layer's to decide
 * ({@code HttpErrors}).
 */
public abstract sealed class PredictionQueueException extends RuntimeException
        permits QueueFullException, QueueUnavailableException, QueueOverloadedException,
                PredictionTimedOutException, PredictionWithdrawnException, QueueClosedException {

    PredictionQueueException(String message) {
        super(message);
    }

    PredictionQueueException(String message, Throwable cause) {
        super(message, cause);
    }
}
