package io.imageclassifier.export;

import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.Map;

/** Runs an in-memory ONNX model through ONNX Runtime: one float input in, one float output back. */
final class OnnxRunner {

    private OnnxRunner() {
    }

    /** The output values (row-major) and shape. */
    record Output(float[] values, long[] shape) {
    }

    static Output run(OnnxMl.ModelProto model, String inputName, String outputName, float[] input, long... shape)
            throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(model.toByteArray(), new OrtSession.SessionOptions());
                OnnxTensor tensor = OnnxTensor.createTensor(env, FloatBuffer.wrap(input), shape);
                OrtSession.Result result = session.run(Map.of(inputName, tensor))) {
            OnnxTensor out = (OnnxTensor) result.get(outputName).orElseThrow();
            FloatBuffer buffer = out.getFloatBuffer();
            float[] values = new float[buffer.remaining()];
            buffer.get(values);
            return new Output(values, out.getInfo().getShape());
        }
    }
}
