package io.imageclassifier.web.http;

import io.imageclassifier.protocol.Prediction;
import java.util.List;

/** {@code {"success": true, "predictions": [{"label": ..., "probability": ...}, ...]}}, best first. */
record PredictionReply(boolean success, List<Prediction> predictions) {

    PredictionReply(List<Prediction> predictions) {
        this(true, predictions);
    }
}
