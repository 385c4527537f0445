package io.imageclassifier.web.queue;

import io.imageclassifier.protocol.PredictionResult;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** Where the web tier sends preprocessed images and gets the model's answers back. */
public interface PredictionQueue extends AutoCloseable {

    /**
     * Queues one image for the model.
     *
     * @param rgbPixels the model-sized image, interleaved 8-bit RGB
     * @param timeout   how long the caller still waits for the answer: what is left of its
     *                  request's timeout once the upload was decoded
     * @return completes with the daemon's result (its predictions, or the model's error), or fails
     *         with a {@link PredictionQueueException}: {@link PredictionTimedOutException} when no
     *         answer comes in time, {@link PredictionWithdrawnException} when the job is taken off
     *         the queue unrun, {@link QueueClosedException} when the queue stops first
     * @throws PredictionQueueException when the job cannot be queued at all: {@link QueueFullException},
     *         {@link QueueUnavailableException}, {@link QueueOverloadedException} or {@link QueueClosedException}
     */
    CompletableFuture<PredictionResult> submit(byte[] rgbPixels, Duration timeout);

    @Override
    void close();
}
