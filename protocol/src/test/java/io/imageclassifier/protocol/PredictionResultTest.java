package io.imageclassifier.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class PredictionResultTest {

    private static final List<Prediction> PREDICTIONS = List.of(
            new Prediction("tabby", 0.75), new Prediction("tiger cat", 0.2), new Prediction("lynx", 0.05));

    @Test
    void successRoundTripsThroughJsonWithPredictionsInOrder() {
        PredictionResult read = PredictionResult.fromJson(PredictionResult.success("job-1", PREDICTIONS).toJson());

        assertTrue(read.succeeded());
        assertEquals("job-1", read.jobId());
        assertEquals(PREDICTIONS, read.predictions());
        assertNull(read.error());
    }

    @Test
    void failureRoundTripsThroughJson() {
        PredictionResult read = PredictionResult.fromJson(PredictionResult.failure("job-2", "inference failed").toJson());

        assertFalse(read.succeeded());
        assertEquals("job-2", read.jobId());
        assertEquals("inference failed", read.error());
        assertNull(read.predictions());
    }

    @Test
    void withdrawnRoundTripsThroughJsonAsAFailureMarkedWithdrawn() {
        PredictionResult read = PredictionResult.fromJson(PredictionResult.withdrawn("job-4", "flushed").toJson());

        assertFalse(read.succeeded());
        assertTrue(read.withdrawn());
        assertEquals("flushed", read.error());
    }

    @Test
    void resultsWithoutTheWithdrawnFieldAreNotWithdrawn() {
        PredictionResult read = PredictionResult.fromJson("{\"jobId\":\"job-5\",\"error\":\"inference failed\"}");

        assertFalse(read.withdrawn());
        assertFalse(PredictionResult.failure("job-6", "inference failed").withdrawn());
    }

    @Test
    void successWithNoPredictionsStillSucceeds() {
        PredictionResult read = PredictionResult.fromJson(PredictionResult.success("job-3", List.of()).toJson());

        assertTrue(read.succeeded());
        assertEquals(List.of(), read.predictions());
    }

    @Test
    void successKeepsItsOwnCopyOfThePredictions() {
        List<Prediction> predictions = new ArrayList<>(PREDICTIONS);
        PredictionResult result = PredictionResult.success("job-1", predictions);

        predictions.clear();

        assertEquals(PREDICTIONS, result.predictions());
    }

    @Test
    void readsTheJsonTheDaemonWrites() {
        PredictionResult read = PredictionResult.fromJson(
                "{\"jobId\":\"job-9\",\"predictions\":[{\"label\":\"goldfish\",\"probability\":0.5}]}");

        assertEquals("job-9", read.jobId());
        assertEquals(List.of(new Prediction("goldfish", 0.5)), read.predictions());
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {
        "not json at all {",
        "[]",
        "42",
        "{}",
        "{\"predictions\":[]}",
        "{\"jobId\":\"job-1\"}",
        "{\"jobId\":\"job-1\",\"predictions\":[],\"error\":\"both set\"}",
        "{\"jobId\":{},\"error\":\"e\"}",
        "{\"jobId\":\"job-1\",\"predictions\":{}}",
        "{\"jobId\":\"job-1\",\"error\":\"e\"} trailing",
        "{\"jobId\":\"job-1\",\"predictions\":[],\"withdrawn\":true}",
    })
    void malformedJsonIsRejected(String json) {
        assertThrows(MalformedMessageException.class, () -> PredictionResult.fromJson(json));
    }

    @Test
    void probabilityThatIsNotANumberIsMalformed() {
        assertThrows(MalformedMessageException.class, () -> PredictionResult.fromJson(
                "{\"jobId\":\"job-1\",\"predictions\":[{\"label\":\"x\",\"probability\":\"high\"}]}"));
    }

    @Test
    void nullPredictionIsMalformed() {
        assertThrows(MalformedMessageException.class,
                () -> PredictionResult.fromJson("{\"jobId\":\"job-1\",\"predictions\":[null]}"));
    }
}
