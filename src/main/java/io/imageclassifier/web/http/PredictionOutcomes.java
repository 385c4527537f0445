package io.imageclassifier.web.http;

/** Where {@link RequestTrackingFilter} reports each answered {@code POST /predict}: the service's metrics. */
@FunctionalInterface
public interface PredictionOutcomes {

    /** @param httpStatus the status answered, or 499 when the client went away before the answer */
    void recordPrediction(int httpStatus, long elapsedNanos);
}
