package io.imageclassifier.export;

import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.imageclassifier.protocol.ModelContract;
import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Measures the range of each activation over calibration inputs, by running the fp32 model with
 * those activations as extra outputs. A range is a percentile of all the values seen (e.g.
 * 99.999 %), not the extremes: one outlier pixel would otherwise widen a scale that every other
 * value pays for in resolution (min/max lost three more of twenty photos in a trial).
 */
final class ActivationCalibrator {

    private ActivationCalibrator() {
    }

    /**
     * @param percentile of the values kept inside each range, e.g. 0.99999; the rest are clipped
     * @param nonNegative activations whose range starts at 0 (ReLU outputs)
     * @param inputShape of each input, e.g. [1, 224, 224, 3]
     */
    static Map<String, Int8Quantizer.Range> calibrate(OnnxMl.ModelProto folded, List<String> activations,
            List<String> nonNegative, List<FloatBuffer> inputs, long[] inputShape, double percentile)
            throws OrtException {
        OnnxMl.GraphProto.Builder graph = folded.getGraph().toBuilder();
        for (String name : activations) {
            graph.addOutput(OnnxMl.ValueInfoProto.newBuilder().setName(name).setType(OnnxMl.TypeProto.newBuilder()
                    .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder().setElemType(OnnxMl.TensorProto.DataType.FLOAT_VALUE))));
        }
        byte[] model = folded.toBuilder().setGraph(graph).build().toByteArray();
        Map<String, Tails> tails = new LinkedHashMap<>();
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(Runtime.getRuntime().availableProcessors());
            try (OrtSession session = env.createSession(model, options)) {
                for (FloatBuffer input : inputs) {
                    try (OnnxTensor tensor = OnnxTensor.createTensor(env, input.duplicate(), inputShape);
                         OrtSession.Result result = session.run(Map.of(ModelContract.INPUT_NAME, tensor),
                                 new LinkedHashSet<>(activations))) {
                        for (Map.Entry<String, OnnxValue> output : result) {
                            FloatBuffer values = ((OnnxTensor) output.getValue()).getFloatBuffer();
                            tails.computeIfAbsent(output.getKey(), k -> new Tails(
                                    (long) values.remaining() * inputs.size(), percentile)).add(values);
                        }
                    }
                }
            }
        }
        Map<String, Int8Quantizer.Range> ranges = new LinkedHashMap<>();
        for (String name : activations) {
            Tails t = tails.get(name);
            ranges.put(name, new Int8Quantizer.Range(nonNegative.contains(name) ? 0f : t.low(), t.high()));
        }
        return ranges;
    }

    /** The k largest and k smallest values seen, k being the share the percentile leaves out. */
    private static final class Tails {
        private final int k;
        private final PriorityQueue<Float> largest = new PriorityQueue<>();
        private final PriorityQueue<Float> smallest = new PriorityQueue<>((a, b) -> Float.compare(b, a));
        private float largestFloor = Float.NEGATIVE_INFINITY;
        private float smallestCeiling = Float.POSITIVE_INFINITY;

        Tails(long count, double percentile) {
            this.k = (int) Math.max(1, Math.ceil(count * (1 - percentile)));
        }

        void add(FloatBuffer values) {
            while (values.hasRemaining()) {
                float v = values.get();
                if (v > largestFloor || largest.size() < k) {
                    largest.add(v);
                    if (largest.size() > k) {
                        largest.poll();
                    }
                    largestFloor = largest.size() < k ? Float.NEGATIVE_INFINITY : largest.peek();
                }
                if (v < smallestCeiling || smallest.size() < k) {
                    smallest.add(v);
                    if (smallest.size() > k) {
                        smallest.poll();
                    }
                    smallestCeiling = smallest.size() < k ? Float.POSITIVE_INFINITY : smallest.peek();
                }
            }
        }

        float high() {
            return largest.peek();
        }

        float low() {
            return smallest.peek();
        }
    }
}
