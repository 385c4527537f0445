package io.imageclassifier.export;

import static io.imageclassifier.export.TfjsModelFixture.imageInput;
import static io.imageclassifier.export.TfjsModelFixture.shape;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The int8 quantizer on a ResNet in miniature (stem conv, padded max pool, a residual block with
 * a projection, the average pool and a softmax), in real ONNX Runtime.
 */
class Int8QuantizerTest {

    private static final int SIZE = 16;
    private static final long[] INPUT_SHAPE = {1, SIZE, SIZE, 3};

    @TempDir
    Path dir;

    private static Object[] conv(int filters, int kernel, int stride, String padding) {
        return new Object[] {"filters", filters, "kernel_size", List.of(kernel, kernel), "strides", List.of(stride, stride),
                "padding", padding, "data_format", "channels_last", "dilation_rate", List.of(1, 1),
                "activation", "linear", "use_bias", true};
    }

    private static float[] random(Random r, int n, float scale) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (r.nextGaussian() * scale);
        }
        return v;
    }

    private static float[] positive(Random r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = 0.5f + r.nextFloat();
        }
        return v;
    }

    /** Conv/BN/ReLU with its weights; {@code relu} false leaves the BN output as is (before an Add). */
    private static TfjsModelFixture convBn(TfjsModelFixture m, Random r, String name, String from, int in, int out,
            int kernel, int stride, String padding, boolean relu) {
        m.layer("Conv2D", name, from, conv(out, kernel, stride, padding))
                .weight(name + "/kernel", shape(kernel, kernel, in, out), random(r, kernel * kernel * in * out, 0.3f))
                .weight(name + "/bias", shape(out), random(r, out, 0.1f))
                .layer("BatchNormalization", name + "_bn", name, "axis", 3, "epsilon", 1e-3, "center", true, "scale", true)
                .weight(name + "_bn/gamma", shape(out), positive(r, out))
                .weight(name + "_bn/beta", shape(out), random(r, out, 0.2f))
                .weight(name + "_bn/moving_mean", shape(out), random(r, out, 0.2f))
                .weight(name + "_bn/moving_variance", shape(out), positive(r, out));
        if (relu) {
            m.layer("Activation", name + "_relu", name + "_bn", "activation", "relu");
        }
        return m;
    }

    private OnnxMl.ModelProto miniResNet() throws Exception {
        Random r = new Random(7);
        TfjsModelFixture m = imageInput("in", SIZE, SIZE, 3)
                .layer("ZeroPadding2D", "stem_pad", "in", "padding", List.of(List.of(1, 1), List.of(1, 1)),
                        "data_format", "channels_last");
        convBn(m, r, "stem", "stem_pad", 3, 8, 3, 1, "valid", true);
        m.layer("ZeroPadding2D", "pool_pad", "stem_relu", "padding", List.of(List.of(1, 1), List.of(1, 1)),
                        "data_format", "channels_last")
                .layer("MaxPooling2D", "pool", "pool_pad", "pool_size", List.of(3, 3), "strides", List.of(2, 2),
                        "padding", "valid", "data_format", "channels_last");
        convBn(m, r, "a", "pool", 8, 8, 3, 1, "same", true);
        convBn(m, r, "b", "a_relu", 8, 16, 1, 1, "valid", false);
        convBn(m, r, "shortcut", "pool", 8, 16, 1, 1, "valid", false);
        m.layer("Add", "add", List.of("b_bn", "shortcut_bn"))
                .layer("Activation", "add_relu", "add", "activation", "relu");
        convBn(m, r, "c", "add_relu", 16, 16, 1, 1, "valid", true);
        m.layer("GlobalAveragePooling2D", "avg", "c_relu", "data_format", "channels_last")
                .layer("Dense", "fc", "avg", "units", 10, "activation", "softmax", "use_bias", true)
                .weight("fc/kernel", shape(16, 10), random(r, 160, 0.5f))
                .weight("fc/bias", shape(10), random(r, 10, 0.1f));
        return KerasToOnnxConverter.convert(m.read(dir), "input", "output");
    }

    private static List<FloatBuffer> inputs(int count, long seed) {
        Random r = new Random(seed);
        List<FloatBuffer> inputs = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            inputs.add(FloatBuffer.wrap(random(r, SIZE * SIZE * 3, 50f)));
        }
        return inputs;
    }

    private static float[] run(OnnxMl.ModelProto model, FloatBuffer input) throws Exception {
        return OnnxRunner.run(model, "input", "output", input.array(), INPUT_SHAPE).values();
    }

    private static long count(OnnxMl.ModelProto model, String opType) {
        return model.getGraph().getNodeList().stream().filter(n -> n.getOpType().equals(opType)).count();
    }

    @Test
    void foldingBatchNormAndPadsLeavesTheArithmeticAsItWas() throws Exception {
        OnnxMl.ModelProto fp32 = miniResNet();
        OnnxMl.ModelProto folded = Int8Quantizer.fold(fp32);

        assertEquals(0, count(folded, "BatchNormalization"));
        assertEquals(0, count(folded, "Pad"));
        assertEquals(count(fp32, "Conv"), count(folded, "Conv"));
        for (FloatBuffer input : inputs(3, 1)) {
            float[] a = run(fp32, input);
            float[] b = run(folded, input);
            for (int i = 0; i < a.length; i++) {
                assertEquals(a[i], b[i], 1e-5, "probability " + i);
            }
        }
    }

    @Test
    void quantizesWhatInt8KernelsCanRunAndOnnxRuntimeFusesEveryGroup() throws Exception {
        OnnxMl.ModelProto folded = Int8Quantizer.fold(miniResNet());
        List<String> activations = Int8Quantizer.activationsToCalibrate(folded);
        // The stem's ReLU (read by the max pool), the block's ReLU, both branch outputs and the
        // Add's ReLU (read by the next conv); not the last ReLU, which only the average pool reads.
        assertEquals(List.of("stem_relu", "a_relu", "b_bn", "shortcut_bn", "add_relu"), activations);
        List<String> nonNegative = Int8Quantizer.nonNegative(folded, activations);
        assertEquals(List.of("stem_relu", "a_relu", "add_relu"), nonNegative);

        Map<String, Int8Quantizer.Range> ranges = ActivationCalibrator.calibrate(folded, activations, nonNegative,
                inputs(16, 2), INPUT_SHAPE, 1.0);
        assertEquals(0f, ranges.get("a_relu").low());
        assertTrue(ranges.get("b_bn").low() < 0 && ranges.get("b_bn").high() > 0, "a branch output spans 0");
        OnnxMl.ModelProto int8 = Int8Quantizer.quantize(folded, ranges, Int8Quantizer.WEIGHT_MAX_7_BITS);

        Path file = Files.write(dir.resolve("int8.onnx"), int8.toByteArray());
        Map<String, Integer> fused = Int8Exporter.fusedOps(file);
        // Every conv but the stem, and the Add: as int8 kernels, with no QDQ pair left around them.
        assertEquals(3, Int8Quantizer.quantizedOps(int8, "Conv"));
        assertEquals(1, Int8Quantizer.quantizedOps(int8, "Add"));
        assertEquals(3, fused.get("QLinearConv"), fused.toString());
        assertEquals(1, fused.get("QLinearAdd"), fused.toString());
        assertEquals(1, fused.get("Conv"), "the stem stays fp32: " + fused);
        assertFalse(int8.getGraph().getInitializerList().stream()
                .anyMatch(t -> t.getName().endsWith("kernel_int8") && t.getRawData().toByteArray().length == 0));

        // Close to fp32 on inputs calibration did not see.
        for (FloatBuffer input : inputs(8, 3)) {
            float[] a = run(folded, input);
            float[] b = run(int8, input);
            for (int i = 0; i < a.length; i++) {
                assertEquals(a[i], b[i], 0.05, "probability " + i);
            }
        }
    }

    @Test
    void weightsUseSevenOrEightBitsPerChannel() throws Exception {
        OnnxMl.ModelProto folded = Int8Quantizer.fold(miniResNet());
        List<String> activations = Int8Quantizer.activationsToCalibrate(folded);
        Map<String, Int8Quantizer.Range> ranges = new java.util.HashMap<>();
        activations.forEach(a -> ranges.put(a, new Int8Quantizer.Range(-10f, 10f)));
        for (int max : new int[] {Int8Quantizer.WEIGHT_MAX_7_BITS, Int8Quantizer.WEIGHT_MAX_8_BITS}) {
            OnnxMl.ModelProto int8 = Int8Quantizer.quantize(folded, ranges, max);
            OnnxMl.TensorProto kernel = int8.getGraph().getInitializerList().stream()
                    .filter(t -> t.getName().equals("a/kernel_int8")).findFirst().orElseThrow();
            byte[] q = kernel.getRawData().toByteArray();
            int perChannel = q.length / 8;
            for (int o = 0; o < 8; o++) {
                int channelMax = 0;
                for (int i = 0; i < perChannel; i++) {
                    channelMax = Math.max(channelMax, Math.abs(q[o * perChannel + i]));
                }
                // Symmetric per channel: each output channel's largest weight takes the whole range.
                assertEquals(max, channelMax, "channel " + o);
            }
        }
    }
}
