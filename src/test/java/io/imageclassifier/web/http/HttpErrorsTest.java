package io.imageclassifier.web.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

import io.imageclassifier.web.image.DecodeMemoryBusyException;
import io.imageclassifier.web.image.ImageTooLargeException;
import io.imageclassifier.web.image.UnreadableImageException;
import io.imageclassifier.web.queue.PredictionTimedOutException;
import io.imageclassifier.web.queue.PredictionWithdrawnException;
import io.imageclassifier.web.queue.QueueClosedException;
import io.imageclassifier.web.queue.QueueFullException;
import io.imageclassifier.web.queue.QueueOverloadedException;
import io.imageclassifier.web.queue.QueueUnavailableException;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.exceptions.JedisConnectionException;

/** What a client is told about each failure: the status, Retry-After (0: none) and the message. */
class HttpErrorsTest {

    @Test
    void aFullQueueIs503RetryAfter5NamingHowManyWait() {
        assertAnswer(503, 5, "the queue is full (1000 images waiting); try again shortly",
                new QueueFullException(1000, 1000));
    }

    @Test
    void anUnavailableQueueIs503RetryAfter1WithoutRedissOwnWords() {
        assertAnswer(503, 1, "the job queue (Redis) is unavailable; try again shortly",
                new QueueUnavailableException(new JedisConnectionException("Connection refused (10.0.0.7:6379)")));
    }

    @Test
    void noFreeRedisConnectionIs503RetryAfter1SayingTheServiceIsOverloaded() {
        assertAnswer(503, 1, "the service is overloaded (no Redis connection came free in time); try again shortly",
                new QueueOverloadedException(new JedisConnectionException("pool exhausted")));
    }

    @Test
    void aTimedOutPredictionIs504NamingTheTimeout() {
        assertAnswer(504, 0, "the model daemon did not answer within 30000 ms; is it running? (see the model daemon's log)",
                new PredictionTimedOutException(Duration.ofSeconds(30)));
    }

    @Test
    void aWithdrawnJobIs503RetryAfter1SayingWhyAndToSendItAgain() {
        assertAnswer(503, 1, "the job was removed from the queue by an operator (scripts/flush-queue); send it again",
                new PredictionWithdrawnException("the job was removed from the queue by an operator (scripts/flush-queue)"));
    }

    @Test
    void aClosedQueueIs503SayingTheWebAppIsShuttingDown() {
        assertAnswer(503, 0, "the web application is shutting down", new QueueClosedException());
    }

    @Test
    void anUnreadableImageIs400WithItsMessage() {
        assertAnswer(400, 0, "the uploaded image is empty", new UnreadableImageException("the uploaded image is empty"));
    }

    @Test
    void anImageTooLargeIs413WithItsMessage() {
        assertAnswer(413, 0, "the image is 100x100 pixels; at most 9999 pixels are accepted",
                new ImageTooLargeException("the image is 100x100 pixels; at most 9999 pixels are accepted"));
    }

    @Test
    void busyDecodeMemoryIs503RetryAfter2() {
        assertAnswer(503, 2, "the server is busy decoding other large images; try again shortly",
                new DecodeMemoryBusyException());
        assertAnswer(503, 2, "the server is shutting down", new DecodeMemoryBusyException(new InterruptedException()));
    }

    @Test
    void theRequestsOwnErrorsKeepTheirStatusAndMessage() {
        assertAnswer(400, 0, "bad boundary", new BadRequestException("bad boundary"));
        assertAnswer(413, 0, "the upload is larger than the limit of 10 bytes",
                new PayloadTooLargeException("the upload is larger than the limit of 10 bytes"));
        assertAnswer(504, 0, "no answer from the model daemon in time",
                new GatewayTimeoutException("no answer from the model daemon in time"));
    }

    @Test
    void anythingElseIs500WithoutDetail() {
        assertAnswer(500, 0, "internal error", new IllegalStateException("password=hunter2 at db.internal:5432"));
    }

    @Test
    void aModelFailureIs500NamingTheDaemonsError() {
        assertEquals(new HttpError(500, 0, "the model could not classify the image: inference failed"),
                HttpErrors.modelFailed("inference failed"));
    }

    @Test
    void writesRetryAfterWithTheJsonError() throws IOException {
        RecordedResponse response = new RecordedResponse();

        new HttpError(503, 5, "the queue is full (3 images waiting); try again shortly").writeTo(response.servletResponse());

        assertEquals(503, response.status());
        verify(response.servletResponse()).setHeader("Retry-After", "5");
        assertEquals("{\"success\":false,\"error\":\"the queue is full (3 images waiting); try again shortly\"}",
                response.body());
    }

    @Test
    void writesNoRetryAfterWhenRetryingWillNotHelp() throws IOException {
        RecordedResponse response = new RecordedResponse();

        new HttpError(504, 0, "the model daemon did not answer").writeTo(response.servletResponse());

        assertEquals(504, response.status());
        verify(response.servletResponse(), never()).setHeader(eq("Retry-After"), anyString());
    }

    private static void assertAnswer(int status, int retryAfterSeconds, String message, Throwable failure) {
        assertEquals(new HttpError(status, retryAfterSeconds, message), HttpErrors.of(failure));
    }
}
