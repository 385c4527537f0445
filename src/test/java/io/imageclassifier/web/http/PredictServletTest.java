package io.imageclassifier.web.http;

import static io.imageclassifier.web.image.TestImages.RED;
import static io.imageclassifier.web.image.TestImages.png;
import static io.imageclassifier.web.image.TestImages.solid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.imageclassifier.protocol.Prediction;
import io.imageclassifier.protocol.PredictionResult;
import io.imageclassifier.web.image.DecodeMemoryBudget;
import io.imageclassifier.web.image.ImagePreprocessor;
import io.imageclassifier.web.image.NativeDecoders;
import io.imageclassifier.web.queue.PredictionQueue;
import io.imageclassifier.web.queue.PredictionTimedOutException;
import io.imageclassifier.web.queue.PredictionWithdrawnException;
import io.imageclassifier.web.queue.QueueFullException;
import io.imageclassifier.web.queue.QueueUnavailableException;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.mockito.ArgumentCaptor;
import redis.clients.jedis.exceptions.JedisConnectionException;

class PredictServletTest {

    private static final String BOUNDARY = "----x";
    private static final String MULTIPART = "multipart/form-data; boundary=" + BOUNDARY;
    private static final long UPLOAD_LIMIT = 20_971_520L;
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private final PredictionQueue queue = mock(PredictionQueue.class);
    private final PredictionStages stages = mock(PredictionStages.class);
    private final PredictServlet servlet = new PredictServlet(
            preprocessor(60_000_000L), queue, REQUEST_TIMEOUT, UPLOAD_LIMIT, stages);
    private final HttpServletRequest request = mock(HttpServletRequest.class);
    private final RecordedResponse response = new RecordedResponse();

    @BeforeEach
    void multipartRequest() {
        when(request.getContentType()).thenReturn(MULTIPART);
    }

    // --- rejected before anything is queued --------------------------------------------------

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"image/jpeg", "application/x-www-form-urlencoded", "multipart/mixed; boundary=x"})
    void rejectsNonMultipartUploadWith400(String contentType) throws Exception {
        when(request.getContentType()).thenReturn(contentType);

        post();

        assertError(400, "multipart/form-data");
        verify(request, never()).getInputStream();
        verifyNoInteractions(queue);
    }

    @Test
    void acceptsMultipartContentTypeInAnyCase() throws Exception {
        when(request.getContentType()).thenReturn("Multipart/Form-Data; boundary=" + BOUNDARY);
        uploadImageField(png(solid(8, 8, RED)));
        when(queue.submit(any(), any())).thenReturn(new CompletableFuture<>());
        when(request.startAsync()).thenReturn(mock(AsyncContext.class));

        post();

        verify(queue).submit(any(), any());
    }

    @Test
    void rejectsUploadWithoutImageFieldWith400() throws Exception {
        uploadForm("Content-Disposition: form-data; name=\"file\"; filename=\"eagle.jpg\"\r\n\r\n",
                png(solid(8, 8, RED)));

        post();

        assertError(400, "'image'");
        verifyNoInteractions(queue);
    }

    @Test
    void rejectsUploadOverTheSizeLimitWith413() throws Exception {
        uploadImageField(new byte[(int) UPLOAD_LIMIT + 1]);

        post();

        assertError(413, Long.toString(UPLOAD_LIMIT));
        verifyNoInteractions(queue);
    }

    @Test
    void rejectsUnparsableMultipartBodyWith400() throws Exception {
        byte[] otherForm = "--other\r\n\r\nnot this form's boundary\r\n--other--".getBytes(StandardCharsets.US_ASCII);
        TestUploads.body(request, otherForm, otherForm.length);

        post();

        assertError(400, "multipart");
        verifyNoInteractions(queue);
    }

    @Test
    void rejectsEmptyImageWith400() throws Exception {
        uploadImageField(new byte[0]);

        post();

        assertError(400, "empty");
        verifyNoInteractions(queue);
    }

    @Test
    void rejectsNonImageUploadWith400() throws Exception {
        uploadImageField("name,age\nrex,3\n".getBytes(StandardCharsets.UTF_8));

        post();

        assertError(400, "JPEG, PNG, GIF, BMP, TIFF or WebP");
        verifyNoInteractions(queue);
    }

    @Test
    void anUndecodableUploadReportsItsReadingButNoLaterStage() throws Exception {
        uploadImageField("name,age\nrex,3\n".getBytes(StandardCharsets.UTF_8));

        post();

        verify(stages).uploadRead(anyLong());
        verify(stages, never()).preprocessed(anyLong());
        verify(stages, never()).modelAnswered(anyLong());
    }

    @Test
    void rejectsTooManyPixelsWith413() throws Exception {
        PredictServlet strict = new PredictServlet(preprocessor(100), queue, REQUEST_TIMEOUT,
                UPLOAD_LIMIT);
        uploadImageField(png(solid(20, 20, RED)));

        strict.doPost(request, response.servletResponse());

        assertError(413, "20x20");
        verifyNoInteractions(queue);
    }

    @Test
    void theQueueGetsWhatIsLeftOfTheRequestTimeoutAfterDecoding() throws Exception {
        uploadImageField(png(solid(300, 200, RED)));
        when(queue.submit(any(), any())).thenReturn(new CompletableFuture<>());
        when(request.startAsync()).thenReturn(mock(AsyncContext.class));

        post();

        ArgumentCaptor<Duration> timeout = ArgumentCaptor.forClass(Duration.class);
        verify(queue).submit(any(), timeout.capture());
        assertTrue(timeout.getValue().compareTo(REQUEST_TIMEOUT) < 0, "less than the whole timeout: " + timeout.getValue());
        assertTrue(timeout.getValue().compareTo(REQUEST_TIMEOUT.minusSeconds(10)) > 0, "decoding took less: " + timeout.getValue());
    }

    @Test
    void aRequestWhoseTimeWentOnDecodingIs503NotQueued() throws Exception {
        // Its whole timeout spent before the queue (waiting for decode memory, say): queueing it
        // would grant it a second timeout.
        PredictServlet hurried = new PredictServlet(preprocessor(60_000_000L), queue,
                Duration.ofNanos(1), UPLOAD_LIMIT);
        uploadImageField(png(solid(300, 200, RED)));

        hurried.doPost(request, response.servletResponse());

        assertError(503, "busy");
        verify(response.servletResponse()).setHeader("Retry-After", "2");
        verifyNoInteractions(queue);
    }

    @Test
    void unavailableQueueIs503AndNoAsyncWaitStarts() throws Exception {
        uploadImageField(png(solid(8, 8, RED)));
        when(queue.submit(any(), any())).thenThrow(new QueueUnavailableException(new JedisConnectionException("refused")));

        post();

        assertError(503, "Redis");
        verify(response.servletResponse()).setHeader("Retry-After", "1");
        verify(queue).submit(any(), any());
        verify(request, never()).startAsync();
    }

    @Test
    void fullQueueIs503WithRetryAfter() throws Exception {
        uploadImageField(png(solid(8, 8, RED)));
        when(queue.submit(any(), any())).thenThrow(new QueueFullException(1000, 1000));

        post();

        assertError(503, "the queue is full (1000 images waiting); try again shortly");
        verify(response.servletResponse()).setHeader("Retry-After", "5");
        verify(request, never()).startAsync();
    }

    // --- answered asynchronously once the queue answers --------------------------------------

    @Nested
    class WhenTheImageIsQueued {

        private final CompletableFuture<PredictionResult> result = new CompletableFuture<>();
        private final AsyncContext async = mock(AsyncContext.class);

        @BeforeEach
        void queueAcceptsTheImageAndTheContainerRunsAsyncWorkAtOnce() throws Exception {
            uploadImageField(png(solid(300, 200, RED)));
            when(queue.submit(any(), any())).thenReturn(result);
            when(request.startAsync()).thenReturn(async);
            when(async.getResponse()).thenReturn(response.servletResponse());
            doAnswer(call -> {
                call.<Runnable>getArgument(0).run();
                return null;
            }).when(async).start(any());
            post();
        }

        @Test
        void queuesTheModelSizedPixels() {
            ArgumentCaptor<byte[]> pixels = ArgumentCaptor.forClass(byte[].class);
            verify(queue).submit(pixels.capture(), any());

            assertEquals(224 * 224 * 3, pixels.getValue().length);
            assertEquals((byte) 255, pixels.getValue()[0]);
            assertEquals(0, pixels.getValue()[1]);
            assertEquals(0, pixels.getValue()[2]);
        }

        @Test
        void writesNothingUntilTheResultArrives() {
            assertNull(response.status());
            assertEquals("", response.body());
            verify(async, never()).complete();
        }

        @Test
        void containerBackstopIsTenSecondsAfterTheRequestTimeout() {
            verify(async).setTimeout(40_000L);
        }

        @Test
        void successfulResultIsWrittenAsPredictionsBestFirst() {
            result.complete(PredictionResult.success("job-1",
                    List.of(new Prediction("fire engine", 0.8), new Prediction("ambulance", 0.15))));

            assertEquals(200, response.status());
            JsonObject body = response.json();
            assertTrue(body.get("success").getAsBoolean());
            JsonArray predictions = body.getAsJsonArray("predictions");
            assertEquals(2, predictions.size());
            assertEquals("fire engine", predictions.get(0).getAsJsonObject().get("label").getAsString());
            assertEquals(0.8, predictions.get(0).getAsJsonObject().get("probability").getAsDouble());
            assertEquals("ambulance", predictions.get(1).getAsJsonObject().get("label").getAsString());
            verify(async).complete();
        }

        @Test
        void aSuccessfulPredictionReportsEachStageOnceWhenItsResultArrives() {
            ArgumentCaptor<Long> read = ArgumentCaptor.forClass(Long.class);
            ArgumentCaptor<Long> decoded = ArgumentCaptor.forClass(Long.class);
            verify(stages).uploadRead(read.capture());
            verify(stages).preprocessed(decoded.capture());
            verify(stages, never()).modelAnswered(anyLong());

            result.complete(PredictionResult.success("job-1", List.of(new Prediction("tabby", 0.9))));

            ArgumentCaptor<Long> answered = ArgumentCaptor.forClass(Long.class);
            verify(stages).modelAnswered(answered.capture());
            assertTrue(read.getValue() >= 0 && decoded.getValue() > 0 && answered.getValue() >= 0,
                    read.getValue() + " " + decoded.getValue() + " " + answered.getValue());
        }

        @Test
        void aDaemonsFailureIsNoModelTiming() {
            result.complete(PredictionResult.failure("job-1", "inference failed"));

            verify(stages, never()).modelAnswered(anyLong());
        }

        @Test
        void daemonFailureIs500NamingTheDaemonsError() {
            result.complete(PredictionResult.failure("job-1", "inference failed"));

            assertError(500, "inference failed");
            verify(async).complete();
        }

        @Test
        void aJobWithdrawnFromTheQueueIs503WithRetryAfter() {
            result.completeExceptionally(new PredictionWithdrawnException("removed from the queue by an operator"));

            assertError(503, "removed from the queue by an operator; send it again");
            verify(response.servletResponse()).setHeader("Retry-After", "1");
            verify(async).complete();
        }

        @Test
        void queueTimeoutIs504() {
            result.completeExceptionally(new PredictionTimedOutException(REQUEST_TIMEOUT));

            assertError(504, "did not answer");
            verify(async).complete();
        }

        @Test
        void unexpectedFailureIs500WithoutDetail() {
            result.completeExceptionally(new IllegalStateException("secret internals"));

            assertEquals(500, response.status());
            assertEquals("internal error", response.error());
        }

        @Test
        void containerTimeoutIs504AndALateResultWritesNothingMore() throws Exception {
            containerListener().onTimeout(null);
            String answered = response.body();

            result.complete(PredictionResult.failure("job-1", "too late"));

            assertError(504, "in time");
            assertEquals(answered, response.body());
        }

        @Test
        void clientGoneReleasesTheRequestWithoutWriting() throws Exception {
            containerListener().onError(null);

            result.complete(PredictionResult.failure("job-1", "nobody listens"));

            assertNull(response.status());
            assertEquals("", response.body());
            verify(async).complete();
        }

        @Test
        void aResultAfterTheClientLeftStartsNoWorkOnTheEndedRequest() throws Exception {
            containerListener().onError(null);

            result.complete(PredictionResult.success("job-1", List.of(new Prediction("tabby", 0.9))));

            // A real container throws IllegalStateException for start() on a completed request.
            verify(async, never()).start(any());
        }

        @Test
        void aClientLeavingWhileTheAnswerIsWrittenLeavesCompletingToTheWriter() throws Exception {
            AsyncListener container = containerListener();
            when(async.getResponse()).thenAnswer(call -> {
                container.onError(null);   // the connection fails just as answer() starts writing
                return response.servletResponse();
            });

            result.complete(PredictionResult.success("job-1", List.of(new Prediction("tabby", 0.9))));

            verify(async, times(1)).complete();
        }

        private AsyncListener containerListener() {
            ArgumentCaptor<AsyncListener> listener = ArgumentCaptor.forClass(AsyncListener.class);
            verify(async).addListener(listener.capture());
            return listener.getValue();
        }
    }

    // --- helpers -----------------------------------------------------------------------------

    /** A preprocessor to 224x224 whose decode budget (1 GB) never gets in the way. */
    private static ImagePreprocessor preprocessor(long maxPixels) {
        return new ImagePreprocessor(224, 224, maxPixels, DecodeMemoryBudget.fromSetting(1024, Runtime.getRuntime()),
                Duration.ZERO, NativeDecoders.load(), false);
    }

    private void post() throws IOException {
        servlet.doPost(request, response.servletResponse());
    }

    private void uploadImageField(byte[] content) throws IOException {
        uploadForm("Content-Disposition: form-data; name=\"image\"; filename=\"upload\"\r\n\r\n", content);
    }

    /** One part, its headers then its content, in a form with this test's boundary. */
    private void uploadForm(String partHeaders, byte[] content) throws IOException {
        byte[] head = ("--" + BOUNDARY + "\r\n" + partHeaders).getBytes(StandardCharsets.US_ASCII);
        byte[] tail = ("\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] body = new byte[head.length + content.length + tail.length];
        System.arraycopy(head, 0, body, 0, head.length);
        System.arraycopy(content, 0, body, head.length, content.length);
        System.arraycopy(tail, 0, body, head.length + content.length, tail.length);
        TestUploads.body(request, body, body.length);
    }

    private void assertError(int status, String messagePart) {
        assertEquals(status, response.status());
        assertEquals("application/json", response.contentType());
        assertFalse(response.succeeded());
        assertTrue(response.error().contains(messagePart), response.error());
    }
}
