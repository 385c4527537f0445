package io.imageclassifier.web.http;

/**
 * Where {@link PredictServlet} reports how long each stage of a {@code POST /predict} took, for
 * the stages the request got through: the service's metrics. Together they say where a request's time went, which the total
 * latency alone cannot (a slow upload, a large photo and a busy model all look alike there).
 */
public interface PredictionStages {

    /** Reports nothing: for a servlet that is not wired to metrics. */
    PredictionStages NONE = new PredictionStages() {
        @Override
        public void uploadRead(long nanos) {
        }

        @Override
        public void preprocessed(long nanos) {
        }

        @Override
        public void modelAnswered(long nanos) {
        }
    };

    /** Receiving and parsing the multipart upload: the client's and the front end's speed. */
    void uploadRead(long nanos);

    /** Decoding and resizing the photo, including any wait for the decode memory budget. */
    void preprocessed(long nanos);

    /**
     * From queueing the job to the arrival of its predictions: the queue, the daemon's batch and
     * inference, Redis. Not reported for a job that failed or timed out.
     */
    void modelAnswered(long nanos);
}
