package io.imageclassifier.export;

import static io.imageclassifier.export.TfjsModelFixture.imageInput;
import static io.imageclassifier.export.TfjsModelFixture.shape;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.imageclassifier.protocol.ModelContract;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exporter end to end, on a stand-in with ResNet50's interface (224x224x3 in, 1000-way softmax
 * out) but only two layers, so the written file can be checked against the daemon's contract.
 */
class ResNet50ExporterTest {

    private static final int CLASSES = ModelContract.CLASSES;

    @TempDir
    Path dir;

    /** GlobalAveragePooling2D then Dense(1000, softmax); class k's logit is k/1000 * mean of channel 0. */
    private static TfjsModelFixture standIn(int classes) {
        float[] kernel = new float[3 * classes];
        for (int k = 0; k < classes; k++) {
            kernel[k] = k / 1000f; // row 0 of the [3, classes] kernel: weights from channel 0
        }
        return imageInput("input_1", 224, 224, 3)
                .layer("GlobalAveragePooling2D", "avg_pool", "input_1", "data_format", "channels_last")
                .layer("Dense", "fc1000", "avg_pool", "units", classes, "activation", "softmax", "use_bias", true)
                .weight("fc1000/kernel", shape(3, classes), kernel)
                .weight("fc1000/bias", shape(classes), new float[classes]);
    }

    @Test
    void writesAnOnnxFileWithTheDaemonsInputAndOutput() throws Exception {
        Path modelDir = standIn(CLASSES).writeTo(dir.resolve("tfjs"));
        Path onnx = dir.resolve("out/resnet50.onnx");

        ResNet50Exporter.export(modelDir, onnx);

        assertTrue(Files.size(onnx) > 4 * 4 * CLASSES, "the weights are in the file");
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(onnx.toString(), new OrtSession.SessionOptions())) {
            Map<String, NodeInfo> inputs = session.getInputInfo();
            Map<String, NodeInfo> outputs = session.getOutputInfo();
            assertEquals(Set.of("input"), inputs.keySet());
            assertEquals(Set.of("probabilities"), outputs.keySet());
            assertArrayEquals(new long[] {-1, 224, 224, 3}, ((TensorInfo) inputs.get("input").getInfo()).getShape());
            assertArrayEquals(new long[] {-1, CLASSES}, ((TensorInfo) outputs.get("probabilities").getInfo()).getShape());
            assertTrue(session.getMetadata().getCustomMetadata().get("preprocessing").contains("BGR"));

            // A constant image with channel 0 at 10: logits k/100, so class 999 wins, and the
            // probabilities are exp(k/100) / sum_j exp(j/100).
            float[] image = new float[224 * 224 * 3];
            for (int p = 0; p < image.length; p += 3) {
                image[p] = 10;
                image[p + 1] = -50;
                image[p + 2] = 123;
            }
            try (OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(image), new long[] {1, 224, 224, 3});
                    OrtSession.Result result = session.run(Map.of("input", in))) {
                float[] p = ((float[][]) result.get("probabilities").orElseThrow().getValue())[0];
                double z = 0;
                for (int k = 0; k < CLASSES; k++) {
                    z += Math.exp(k / 100.0);
                }
                assertEquals(Math.exp(9.99) / z, p[999], 1e-6);
                assertEquals(Math.exp(0) / z, p[0], 1e-6);
                assertEquals(1.0, sum(p), 1e-5);
            }
        }
    }

    @Test
    void aModelWithAnotherOutputSizeIsRefusedBeforeAnythingIsWritten() throws Exception {
        Path modelDir = standIn(10).writeTo(dir.resolve("tfjs"));
        Path onnx = dir.resolve("resnet50.onnx");

        UnsupportedModelException e = assertThrows(UnsupportedModelException.class,
                () -> ResNet50Exporter.export(modelDir, onnx));

        assertTrue(e.getMessage().contains("the daemon expects [N, 1000]"), e.getMessage());
        assertFalse(Files.exists(onnx));
    }

    @Test
    void aModelWhoseOutputIsNotASoftmaxIsRefused() throws Exception {
        TfjsModelFixture linear = standIn(CLASSES);
        linear.layerJson("fc1000").getAsJsonObject("config").addProperty("activation", "linear");
        Path modelDir = linear.writeTo(dir.resolve("tfjs"));

        UnsupportedModelException e = assertThrows(UnsupportedModelException.class,
                () -> ResNet50Exporter.export(modelDir, dir.resolve("resnet50.onnx")));

        assertTrue(e.getMessage().contains("not a softmax"), e.getMessage());
    }

    private static double sum(float[] values) {
        double s = 0;
        for (float v : values) {
            s += v;
        }
        return s;
    }
}
