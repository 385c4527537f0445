package io.imageclassifier.protocol;

import com.google.gson.Gson;
import java.util.List;

/**
 * The daemon's answer to one job, as JSON on the web instance's result list.
 *
 * <p>Exactly one of {@code predictions} (best first) and {@code error} is set. {@code withdrawn}
 * marks an error that says nothing about the image: the job was taken off the queue unrun (an
 * operator's flush), so the caller may simply send it again. Absent in older results: false.
 */
public record PredictionResult(String jobId, List<Prediction> predictions, String error, boolean withdrawn) {

    private static final Gson GSON = new Gson();

    public static PredictionResult success(String jobId, List<Prediction> predictions) {
        return new PredictionResult(jobId, List.copyOf(predictions), null, false);
    }

    public static PredictionResult failure(String jobId, String error) {
        return new PredictionResult(jobId, null, error, false);
    }

    /** The job was removed from the queue without being run, for {@code reason}. */
    public static PredictionResult withdrawn(String jobId, String reason) {
        return new PredictionResult(jobId, null, reason, true);
    }

    private static boolean isInvalid(Prediction prediction) {
        return prediction == null || prediction.label() == null || !Double.isFinite(prediction.probability());
    }

    public boolean succeeded() {
        return error == null;
    }

    public String toJson() {
        return GSON.toJson(this);
    }

    /** @throws MalformedMessageException when the text is not a result */
    public static PredictionResult fromJson(String json) {
        PredictionResult result;
        try {
            result = GSON.fromJson(json, PredictionResult.class);
        } catch (RuntimeException e) {
            // Gson lets NumberFormatException and friends escape besides JsonParseException.
            throw new MalformedMessageException("malformed result: " + e.getMessage(), e);
        }
        if (result == null || result.jobId() == null
                || (result.predictions() == null) == (result.error() == null)
                || (result.withdrawn() && result.error() == null)
                || (result.predictions() != null && result.predictions().stream().anyMatch(PredictionResult::isInvalid))) {
            throw new MalformedMessageException("malformed result: " + json);
        }
        return result;
    }
}
