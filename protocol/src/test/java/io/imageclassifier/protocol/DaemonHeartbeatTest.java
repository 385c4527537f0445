package io.imageclassifier.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DaemonHeartbeatTest {

    private final DaemonHeartbeat beat = new DaemonHeartbeat("host-42", "resnet50.onnx", "CUDA 0", 32, 7, 150, 3,
            histogram(DaemonHeartbeat.newBatchSizeHistogram(), 1, 4, 32),
            histogram(DaemonHeartbeat.newInferenceSecondsHistogram(), 0.021, 0.3));

    private static HistogramCounts histogram(HistogramCounts empty, double... observations) {
        for (double value : observations) {
            empty.observe(value);
        }
        return empty;
    }

    @Test
    void survivesTheRoundTripThroughARedisHash() {
        assertEquals(beat, DaemonHeartbeat.fromHash(beat.toHash()));
    }

    @Test
    void hashWithAMissingFieldIsMalformed() {
        Map<String, String> hash = new HashMap<>(beat.toHash());
        hash.remove("device");

        assertThrows(MalformedMessageException.class, () -> DaemonHeartbeat.fromHash(hash));
    }

    @Test
    void heartbeatOfAnEarlierDaemonWithoutHistogramsStillCounts() {
        Map<String, String> hash = new HashMap<>(beat.toHash());
        hash.remove("batch_sizes");
        hash.remove("inference_seconds");

        DaemonHeartbeat earlier = DaemonHeartbeat.fromHash(hash);

        assertEquals(7, earlier.batches());
        assertEquals(0, earlier.batchSizes().count());
    }

    @Test
    void hashWithAHistogramOfOtherBucketsIsMalformed() {
        Map<String, String> hash = new HashMap<>(beat.toHash());
        hash.put("batch_sizes", "1,2|3.0");

        assertThrows(MalformedMessageException.class, () -> DaemonHeartbeat.fromHash(hash));
    }

    @Test
    void hashWithANonNumericCountIsMalformed() {
        Map<String, String> hash = new HashMap<>(beat.toHash());
        hash.put("batches", "many");

        assertThrows(MalformedMessageException.class, () -> DaemonHeartbeat.fromHash(hash));
    }
}
