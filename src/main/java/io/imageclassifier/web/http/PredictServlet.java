package io.imageclassifier.web.http;

import io.imageclassifier.protocol.PredictionResult;
import io.imageclassifier.web.image.DecodeMemoryBusyException;
import io.imageclassifier.web.image.ImagePreprocessor;
import io.imageclassifier.web.image.PreprocessingException;
import io.imageclassifier.web.queue.PredictionQueue;
import io.imageclassifier.web.queue.PredictionQueueException;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code POST /predict}: validates and preprocesses the uploaded image, queues it, and answers
 * asynchronously when the model daemon's result arrives, so a waiting request holds no thread.
 */
public class PredictServlet extends HttpServlet {

    /** Where ServiceBootstrap maps it, and what the request metrics count. */
    public static final String PATH = "/predict";
    static final String IMAGE_FIELD = "image";
    private static final Logger LOG = Logger.getLogger(PredictServlet.class.getName());

    private final ImagePreprocessor preprocessor;
    private final PredictionQueue queue;
    private final Duration requestTimeout;
    /** Backstop only: the queue's own timeout answers first; this catches a result never delivered. */
    private final Duration asyncTimeout;
    private final MultipartFormReader uploads;
    private final PredictionStages stages;

    public PredictServlet(ImagePreprocessor preprocessor, PredictionQueue queue, Duration requestTimeout,
            long uploadLimitBytes) {
        this(preprocessor, queue, requestTimeout, uploadLimitBytes, PredictionStages.NONE);
    }

    public PredictServlet(ImagePreprocessor preprocessor, PredictionQueue queue, Duration requestTimeout,
            long uploadLimitBytes, PredictionStages stages) {
        this.stages = stages;
        this.preprocessor = preprocessor;
        this.queue = queue;
        this.requestTimeout = requestTimeout;
        this.asyncTimeout = requestTimeout.plusSeconds(10);
        this.uploads = new MultipartFormReader(uploadLimitBytes);
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        long received = System.nanoTime();
        PredictionQueueCall call;
        try {
            byte[] image = readImageField(request);
            long read = System.nanoTime();
            stages.uploadRead(read - received);
            byte[] pixels = preprocessor.toModelInput(image);
            long queued = System.nanoTime();
            stages.preprocessed(queued - read);
            // One deadline for the whole request: time spent waiting for decode memory (up to the
            // request timeout under a burst of huge images) is not granted a second time.
            Duration left = requestTimeout.minusNanos(System.nanoTime() - received);
            if (left.isNegative() || left.isZero()) {
                throw new DecodeMemoryBusyException();
            }
            call = new PredictionQueueCall(queue.submit(pixels, left), queued);
        } catch (ApiException | PreprocessingException | PredictionQueueException e) {
            HttpErrors.of(e).writeTo(response);
            return;
        }
        call.answerAsync(request);
    }

    /** The bytes of the multipart field {@code image}. */
    private byte[] readImageField(HttpServletRequest request) throws IOException {
        byte[] image = uploads.field(request, IMAGE_FIELD);
        if (image == null) {
            throw new BadRequestException("no '" + IMAGE_FIELD + "' field in the upload; send it as -F "
                    + IMAGE_FIELD + "=@photo.jpg");
        }
        return image;
    }

    /** One queued job and the one response that must be written for it, exactly once. */
    private final class PredictionQueueCall {
        private final CompletableFuture<PredictionResult> result;
        private final long queuedAt;
        private final AtomicBoolean answered = new AtomicBoolean();

        PredictionQueueCall(CompletableFuture<PredictionResult> result, long queuedAt) {
            this.result = result;
            this.queuedAt = queuedAt;
        }

        void answerAsync(HttpServletRequest request) {
            AsyncContext async = request.startAsync();
            async.setTimeout(asyncTimeout.toMillis());
            async.addListener(new AsyncListener() {
                @Override
                public void onTimeout(AsyncEvent event) {
                    answer(async, null, new GatewayTimeoutException("no answer from the model daemon in time"));
                }

                @Override
                public void onError(AsyncEvent event) {
                    // The client went away; nothing can be written, but release the request, unless
                    // answer() is already writing on another thread: then it completes it itself.
                    if (answered.compareAndSet(false, true)) {
                        async.complete();
                    }
                }

                @Override
                public void onComplete(AsyncEvent event) {
                }

                @Override
                public void onStartAsync(AsyncEvent event) {
                }
            });
            // Write on a container thread, never on the result listener's thread.
            result.whenComplete((value, error) -> startAnswer(async, value, error));
        }

        private void startAnswer(AsyncContext async, PredictionResult value, Throwable error) {
            if (value != null && value.succeeded()) {
                stages.modelAnswered(System.nanoTime() - queuedAt);
            }
            if (answered.get()) {
                return;   // the client went away and the request was completed without an answer
            }
            try {
                async.start(() -> answer(async, value, error));
            } catch (IllegalStateException e) {
                // Completed between the check and the start (client gone): nothing to answer. An
                // exception thrown here would land in a future that nobody reads.
                LOG.log(Level.FINE, "request ended before its answer could be written", e);
            }
        }

        private void answer(AsyncContext async, PredictionResult value, Throwable error) {
            if (!answered.compareAndSet(false, true)) {
                return;
            }
            HttpServletResponse response = (HttpServletResponse) async.getResponse();
            try {
                if (error != null) {
                    HttpErrors.of(error instanceof CompletionException && error.getCause() != null
                            ? error.getCause() : error).writeTo(response);
                } else if (value.succeeded()) {
                    JsonReplyWriter.write(response, HttpServletResponse.SC_OK, new PredictionReply(value.predictions()));
                } else {
                    HttpErrors.modelFailed(value.error()).writeTo(response);
                }
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.FINE, "could not write the answer (client gone?)", e);
            } finally {
                async.complete();
            }
        }
    }
}
