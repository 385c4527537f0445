package io.imageclassifier.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The pass/fail rule of the verification against tfjs. */
class ExportVerifierTest {

    private static final float[] TFJS = {0.1f, 0.7f, 0.2f, /* second row */ 0.5f, 0.25f, 0.25f};

    @Test
    void passesWhenEveryProbabilityIsWithinTolerance() {
        float[] onnx = {0.10005f, 0.69995f, 0.2f, 0.5f, 0.25f, 0.25f};

        ExportVerifier.Comparison c = ExportVerifier.compare("img", "batch-2", TFJS, onnx, 0, 3);

        assertTrue(c.passed());
        assertEquals(5e-5, c.maxAbsDiff(), 1e-6);
        assertEquals(1, c.tfjsTop1());
        assertEquals(1, c.onnxTop1());
    }

    @Test
    void failsWhenOneProbabilityIsOffByMoreThanTolerance() {
        float[] onnx = {0.1f, 0.7f, 0.2f, 0.5f, 0.25f, 0.2502f};

        ExportVerifier.Comparison c = ExportVerifier.compare("img", "batch-2", TFJS, onnx, 1, 3);

        assertFalse(c.passed());
        assertEquals(2e-4, c.maxAbsDiff(), 1e-6);
    }

    @Test
    void failsWhenTheTopClassDiffersEvenWithinTolerance() {
        // A near tie flipped: every difference is tiny, but the prediction changed.
        float[] tfjs = {0.40001f, 0.39999f, 0.2f};
        float[] onnx = {0.39999f, 0.40001f, 0.2f};

        ExportVerifier.Comparison c = ExportVerifier.compare("img", "batch-1", tfjs, onnx, 0, 3);

        assertTrue(c.maxAbsDiff() < ExportVerifier.TOLERANCE);
        assertFalse(c.passed());
    }

    @Test
    void nanNeverPasses() {
        float[] onnx = {0.1f, Float.NaN, 0.2f, 0.5f, 0.25f, 0.25f};

        assertFalse(ExportVerifier.compare("img", "batch-1", TFJS, onnx, 0, 3).passed());
    }
}
