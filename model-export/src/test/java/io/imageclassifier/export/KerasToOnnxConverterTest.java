package io.imageclassifier.export;

import static io.imageclassifier.export.TfjsModelFixture.imageInput;
import static io.imageclassifier.export.TfjsModelFixture.shape;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The converter, layer by layer: each test writes a tiny TF.js layers model, converts it, runs the
 * ONNX graph in ONNX Runtime, and checks the numbers against values worked out by hand from the
 * Keras definition of the layer.
 */
class KerasToOnnxConverterTest {

    private static final float EPS = 1e-5f;

    @TempDir
    Path dir;

    private OnnxRunner.Output run(TfjsModelFixture fixture, float[] input, long... shape) throws Exception {
        OnnxMl.ModelProto onnx = KerasToOnnxConverter.convert(fixture.read(dir), "input", "output");
        return OnnxRunner.run(onnx, "input", "output", input, shape);
    }

    private UnsupportedModelException conversionError(TfjsModelFixture fixture) {
        return assertThrows(UnsupportedModelException.class,
                () -> KerasToOnnxConverter.convert(fixture.read(dir), "input", "output"));
    }

    private static Object[] conv(int filters, List<Integer> kernel, List<Integer> strides, String padding,
            boolean useBias, String activation) {
        return new Object[] {"filters", filters, "kernel_size", kernel, "strides", strides, "padding", padding,
                "data_format", "channels_last", "dilation_rate", List.of(1, 1), "activation", activation,
                "use_bias", useBias};
    }

    @Test
    void conv2dIsACrossCorrelationOverAnHwioKernelPlusBias() throws Exception {
        // 3x3 single-channel image 1..9, 2x2 kernel [[1, 2], [3, 4]], bias 0.5, "valid".
        TfjsModelFixture model = imageInput("in", 3, 3, 1)
                .layer("Conv2D", "conv", "in", conv(1, List.of(2, 2), List.of(1, 1), "valid", true, "linear"))
                .weight("conv/kernel", shape(2, 2, 1, 1), 1, 2, 3, 4)
                .weight("conv/bias", shape(1), 0.5f);

        OnnxRunner.Output out = run(model, new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, 1, 3, 3, 1);

        // top-left: 1*1 + 2*2 + 4*3 + 5*4 = 37, and so on, each + 0.5
        assertArrayEquals(new long[] {1, 2, 2, 1}, out.shape());
        assertArrayEquals(new float[] {37.5f, 47.5f, 67.5f, 77.5f}, out.values(), EPS);
    }

    @Test
    void conv2dMapsInputChannelsToOutputChannelsThroughTheKernelMatrix() throws Exception {
        // A 1x1 conv is a matrix product per pixel: out[o] = sum_i x[i] * kernel[0][0][i][o] + bias[o].
        // 2 inputs channels, 3 output channels; a transposed or swapped kernel gives other numbers.
        TfjsModelFixture model = imageInput("in", 1, 2, 2)
                .layer("Conv2D", "conv", "in", conv(3, List.of(1, 1), List.of(1, 1), "valid", true, "linear"))
                .weight("conv/kernel", shape(1, 1, 2, 3),
                        1, 2, 3,      // from input channel 0 to outputs 0, 1, 2
                        10, 20, 30)   // from input channel 1
                .weight("conv/bias", shape(3), 0, 0, -1);

        OnnxRunner.Output out = run(model, new float[] {1, 0, /* next pixel */ 2, 1}, 1, 1, 2, 2);

        assertArrayEquals(new long[] {1, 1, 2, 3}, out.shape());
        assertArrayEquals(new float[] {1, 2, 2, /* next pixel */ 12, 24, 35}, out.values(), EPS);
    }

    @Test
    void conv2dSamePaddingWithStride2PutsTheOddPadCellAtTheEndLikeTensorFlow() throws Exception {
        // 4x4 image 1..16, 3x3 kernel of ones, stride 2, "same": output 2x2; TensorFlow pads 0 rows
        // before and 1 after (and the same for columns). A symmetric pad would start at (-1, -1).
        float[] ones = new float[9];
        Arrays.fill(ones, 1);
        TfjsModelFixture model = imageInput("in", 4, 4, 1)
                .layer("Conv2D", "conv", "in", conv(1, List.of(3, 3), List.of(2, 2), "same", false, "linear"))
                .weight("conv/kernel", shape(3, 3, 1, 1), ones);
        float[] image = new float[16];
        for (int i = 0; i < 16; i++) {
            image[i] = i + 1;
        }

        OnnxRunner.Output out = run(model, image, 1, 4, 4, 1);

        assertArrayEquals(new long[] {1, 2, 2, 1}, out.shape());
        assertArrayEquals(new float[] {
            1 + 2 + 3 + 5 + 6 + 7 + 9 + 10 + 11,   // rows 0-2, cols 0-2
            3 + 4 + 7 + 8 + 11 + 12,               // rows 0-2, cols 2-3 (+ pad)
            9 + 10 + 11 + 13 + 14 + 15,            // rows 2-3 (+ pad), cols 0-2
            11 + 12 + 15 + 16}, out.values(), EPS);
    }

    @Test
    void conv2dAppliesItsOwnActivation() throws Exception {
        TfjsModelFixture model = imageInput("in", 1, 2, 1)
                .layer("Conv2D", "conv", "in", conv(1, List.of(1, 1), List.of(1, 1), "valid", false, "relu"))
                .weight("conv/kernel", shape(1, 1, 1, 1), -2);

        OnnxRunner.Output out = run(model, new float[] {3, -4}, 1, 1, 2, 1);

        assertArrayEquals(new float[] {0, 8}, out.values(), EPS);
    }

    @Test
    void zeroPaddingAddsZeroRowsAndColumnsOnEachSideAsConfigured() throws Exception {
        // [[top, bottom], [left, right]] = [[1, 0], [0, 2]] around a 1x2 image [7, 8].
        TfjsModelFixture model = imageInput("in", 1, 2, 1)
                .layer("ZeroPadding2D", "pad", "in", "padding", List.of(List.of(1, 0), List.of(0, 2)),
                        "data_format", "channels_last");

        OnnxRunner.Output out = run(model, new float[] {7, 8}, 1, 1, 2, 1);

        assertArrayEquals(new long[] {1, 2, 4, 1}, out.shape());
        assertArrayEquals(new float[] {0, 0, 0, 0, 7, 8, 0, 0}, out.values(), EPS);
    }

    @Test
    void batchNormalizationUsesTheMovingStatisticsAndEpsilon() throws Exception {
        // y = gamma * (x - mean) / sqrt(variance + epsilon) + beta, per channel; epsilon 1:
        // channel 0: gamma 3, beta 1, mean 1, var 3   -> y = (x - 1) * 3 / 2 + 1
        // channel 1: gamma .5, beta -1, mean 2, var 0 -> y = (x - 2) * .5 / 1 - 1
        TfjsModelFixture model = imageInput("in", 1, 2, 2)
                .layer("BatchNormalization", "bn", "in", "axis", List.of(3), "epsilon", 1.0,
                        "momentum", 0.99, "center", true, "scale", true)
                .weight("bn/gamma", shape(2), 3, 0.5f)
                .weight("bn/beta", shape(2), 1, -1)
                .weight("bn/moving_mean", shape(2), 1, 2)
                .weight("bn/moving_variance", shape(2), 3, 0);

        OnnxRunner.Output out = run(model, new float[] {5, 4, /* next pixel */ -1, 0}, 1, 1, 2, 2);

        assertArrayEquals(new float[] {7, 0, -2, -2}, out.values(), EPS);
    }

    @Test
    void batchNormalizationWithoutScaleOrCenterNeedsNoGammaOrBeta() throws Exception {
        // Keras stores no gamma/beta then: gamma is 1 and beta 0. Epsilon defaults to 0.001.
        TfjsModelFixture model = imageInput("in", 1, 1, 1)
                .layer("BatchNormalization", "bn", "in", "axis", -1, "epsilon", 0.0, "center", false, "scale", false)
                .weight("bn/moving_mean", shape(1), 2)
                .weight("bn/moving_variance", shape(1), 4);

        OnnxRunner.Output out = run(model, new float[] {10}, 1, 1, 1, 1);

        assertArrayEquals(new float[] {4}, out.values(), EPS); // (10 - 2) / sqrt(4)
    }

    @Test
    void maxPoolingValidDropsTheIncompleteWindowAndSameIgnoresPadCells() throws Exception {
        // All-negative 3x3 image, so a pad of zeros would show up as a 0 in the "same" output.
        float[] image = {-1, -2, -3, -4, -5, -6, -7, -8, -9};
        TfjsModelFixture valid = imageInput("in", 3, 3, 1)
                .layer("MaxPooling2D", "pool", "in", "pool_size", List.of(2, 2), "strides", List.of(2, 2),
                        "padding", "valid", "data_format", "channels_last");
        OnnxRunner.Output validOut = run(valid, image, 1, 3, 3, 1);
        assertArrayEquals(new long[] {1, 1, 1, 1}, validOut.shape());
        assertArrayEquals(new float[] {-1}, validOut.values(), EPS);

        TfjsModelFixture same = imageInput("in", 3, 3, 1)
                .layer("MaxPooling2D", "pool", "in", "pool_size", List.of(2, 2), "padding", "same");
        OnnxRunner.Output sameOut = run(same, image, 1, 3, 3, 1);
        assertArrayEquals(new long[] {1, 2, 2, 1}, sameOut.shape());
        assertArrayEquals(new float[] {-1, -3, -7, -9}, sameOut.values(), EPS);
    }

    @Test
    void aResidualBlockFollowsInboundNodesWhateverTheOrderOfTheLayerList() throws Exception {
        // relu(conv(x) + x) with conv = 2x: relu(3x). The layer list is written backwards.
        TfjsModelFixture model = imageInput("in", 1, 2, 1)
                .layer("Conv2D", "conv", "in", conv(1, List.of(1, 1), List.of(1, 1), "valid", false, "linear"))
                .weight("conv/kernel", shape(1, 1, 1, 1), 2)
                .layer("Add", "add", List.of("conv", "in"))
                .layer("Activation", "relu", "add", "activation", "relu")
                .reverseLayerOrder();

        OnnxRunner.Output out = run(model, new float[] {-1, 2}, 1, 1, 2, 1);

        assertArrayEquals(new float[] {0, 6}, out.values(), EPS);
    }

    @Test
    void addOfThreeInputsSumsThemAll() throws Exception {
        TfjsModelFixture model = imageInput("in", 1, 1, 1)
                .layer("Activation", "a", "in", "activation", "linear")
                .layer("Activation", "b", "in", "activation", "relu")
                .layer("Add", "sum", List.of("in", "a", "b"));

        assertArrayEquals(new float[] {15}, run(model, new float[] {5}, 1, 1, 1, 1).values(), EPS);
        assertArrayEquals(new float[] {-4}, run(model, new float[] {-2}, 1, 1, 1, 1).values(), EPS);
    }

    @Test
    void globalAveragePoolingThenDenseSoftmaxGivesClassProbabilities() throws Exception {
        // 2x2 image, 2 channels: channel means m = (2.5, -1). Dense kernel [[1, 0, -1], [2, 1, 0]],
        // bias [0, 1, 0]: logits = (2.5 - 2, -1 + 1, -2.5) = (0.5, 0, -2.5), then softmax.
        TfjsModelFixture model = imageInput("in", 2, 2, 2)
                .layer("GlobalAveragePooling2D", "gap", "in", "data_format", "channels_last")
                .layer("Dense", "fc", "gap", "units", 3, "activation", "softmax", "use_bias", true)
                .weight("fc/kernel", shape(2, 3), 1, 0, -1, 2, 1, 0)
                .weight("fc/bias", shape(3), 0, 1, 0);
        float[] image = {1, -1, 2, 0, 3, -2, 4, -1}; // channel 0: 1, 2, 3, 4; channel 1: -1, 0, -2, -1

        OnnxRunner.Output out = run(model, image, 1, 2, 2, 2);

        double z = Math.exp(0.5) + Math.exp(0) + Math.exp(-2.5);
        assertArrayEquals(new long[] {1, 3}, out.shape());
        assertArrayEquals(new float[] {(float) (Math.exp(0.5) / z), (float) (1 / z), (float) (Math.exp(-2.5) / z)},
                out.values(), EPS);
    }

    @Test
    void theGraphKeepsTheKerasNhwcInterfaceWithASymbolicBatchDimension() throws Exception {
        TfjsModelFixture model = imageInput("in", 2, 3, 1)
                .layer("Conv2D", "conv", "in", conv(2, List.of(1, 1), List.of(1, 1), "valid", false, "linear"))
                .weight("conv/kernel", shape(1, 1, 1, 2), 1, -1);
        OnnxMl.ModelProto onnx = KerasToOnnxConverter.convert(model.read(dir), "input", "output");

        OnnxMl.GraphProto graph = onnx.getGraph();
        assertEquals(KerasToOnnxConverter.OPSET, onnx.getOpsetImport(0).getVersion());
        assertEquals("input", graph.getInput(0).getName());
        assertEquals("output", graph.getOutput(0).getName());
        List<OnnxMl.TensorShapeProto.Dimension> in = graph.getInput(0).getType().getTensorType().getShape().getDimList();
        assertEquals("N", in.get(0).getDimParam());
        assertEquals(List.of(2L, 3L, 1L), in.subList(1, 4).stream().map(d -> d.getDimValue()).toList());
        List<OnnxMl.TensorShapeProto.Dimension> out = graph.getOutput(0).getType().getTensorType().getShape().getDimList();
        assertEquals("N", out.get(0).getDimParam());
        assertEquals(List.of(2L, 3L, 2L), out.subList(1, 4).stream().map(d -> d.getDimValue()).toList());

        // Two images in one batch come out as each would alone.
        float[] batch = {1, 2, 3, 4, 5, 6, /* second image */ -1, 0, 1, 0, 0, 7};
        OnnxRunner.Output both = OnnxRunner.run(onnx, "input", "output", batch, 2, 2, 3, 1);
        assertArrayEquals(new long[] {2, 2, 3, 2}, both.shape());
        assertArrayEquals(new float[] {1, -1, 2, -2, 3, -3, 4, -4, 5, -5, 6, -6,
            -1, 1, 0, 0, 1, -1, 0, 0, 0, 0, 7, -7}, both.values(), EPS);
    }

    @Test
    void anUnsupportedLayerTypeIsRejectedByName() {
        TfjsModelFixture model = imageInput("in", 2, 2, 1)
                .layer("Dropout", "drop", "in", "rate", 0.5);

        UnsupportedModelException e = conversionError(model);

        assertTrue(e.getMessage().contains("layer 'drop' (Dropout)"), e.getMessage());
        assertTrue(e.getMessage().contains("unsupported layer type"), e.getMessage());
    }

    @Test
    void anUnsupportedActivationIsRejected() {
        UnsupportedModelException e = conversionError(imageInput("in", 1, 1, 1)
                .layer("Activation", "act", "in", "activation", "elu"));
        assertTrue(e.getMessage().contains("activation 'elu' is not supported"), e.getMessage());
    }

    @Test
    void channelsFirstConvolutionIsRejectedRatherThanMistranslated() {
        Object[] config = conv(1, List.of(1, 1), List.of(1, 1), "valid", false, "linear");
        config[9] = "channels_first";
        UnsupportedModelException e = conversionError(imageInput("in", 1, 1, 1)
                .layer("Conv2D", "conv", "in", config)
                .weight("conv/kernel", shape(1, 1, 1, 1), 1));
        assertTrue(e.getMessage().contains("data_format 'channels_first' is not supported"), e.getMessage());
    }

    @Test
    void causalOrOtherPaddingIsRejected() {
        UnsupportedModelException e = conversionError(imageInput("in", 2, 2, 1)
                .layer("MaxPooling2D", "pool", "in", "pool_size", List.of(2, 2), "padding", "causal"));
        assertTrue(e.getMessage().contains("padding 'causal' is not supported"), e.getMessage());
    }

    @Test
    void batchNormalizationOverAnAxisOtherThanChannelsIsRejected() {
        UnsupportedModelException e = conversionError(imageInput("in", 1, 1, 2)
                .layer("BatchNormalization", "bn", "in", "axis", List.of(1))
                .weight("bn/gamma", shape(2), 1, 1).weight("bn/beta", shape(2), 0, 0)
                .weight("bn/moving_mean", shape(2), 0, 0).weight("bn/moving_variance", shape(2), 1, 1));
        assertTrue(e.getMessage().contains("is not the channel"), e.getMessage());
    }

    @Test
    void aKernelWhoseShapeDisagreesWithTheConfigIsRejected() {
        UnsupportedModelException e = conversionError(imageInput("in", 2, 2, 1)
                .layer("Conv2D", "conv", "in", conv(2, List.of(1, 1), List.of(1, 1), "valid", false, "linear"))
                .weight("conv/kernel", shape(1, 1, 1, 1), 1));
        assertTrue(e.getMessage().contains("weight 'conv/kernel' has shape [1, 1, 1, 1], expected [1, 1, 1, 2]"),
                e.getMessage());
    }

    @Test
    void aWeightThatNoLayerUsesFailsTheExport() {
        UnsupportedModelException e = conversionError(imageInput("in", 1, 1, 1)
                .layer("Activation", "act", "in", "activation", "relu")
                .weight("act/kernel", shape(1), 1));
        assertTrue(e.getMessage().contains("belong to no converted layer"), e.getMessage());
        assertTrue(e.getMessage().contains("act/kernel"), e.getMessage());
    }

    @Test
    void aLayerReadingFromAnUnknownLayerIsRejected() {
        UnsupportedModelException e = conversionError(imageInput("in", 1, 1, 1)
                .layer("Activation", "act", "missing", "activation", "relu"));
        assertTrue(e.getMessage().contains("reads from layer 'missing'"), e.getMessage());
    }

    @Test
    void aSharedLayerCalledTwiceIsRejected() {
        TfjsModelFixture model = imageInput("in", 1, 1, 1)
                .layer("Activation", "act", "in", "activation", "relu");
        JsonArray nodes = model.layerJson("act").getAsJsonArray("inbound_nodes");
        nodes.add(nodes.get(0).deepCopy());

        UnsupportedModelException e = assertThrows(UnsupportedModelException.class, () -> model.read(dir));

        assertTrue(e.getMessage().contains("shared layer"), e.getMessage());
    }

    @Test
    void denseOnAnImageTensorIsRejected() {
        UnsupportedModelException e = conversionError(imageInput("in", 2, 2, 1)
                .layer("Dense", "fc", "in", "units", 1, "activation", "linear")
                .weight("fc/kernel", shape(1, 1), 1).weight("fc/bias", shape(1), 0));
        assertTrue(e.getMessage().contains("Dense is only supported on vectors"), e.getMessage());
    }

    @Test
    void sameWindowArithmeticMatchesTensorFlow() {
        KerasLayer layer = new KerasLayer("l", "Conv2D", new JsonObject(), List.of());
        // ResNet50's 3x3 "same" convs at stride 1 pad 1 on each side and keep the size.
        assertArrayEquals(new int[] {1, 1, 56}, KerasToOnnxConverter.window(layer, 56, 3, 1, 1, "same"));
        // Even input, stride 2, 3x3: ceil(224 / 2) = 112 outputs need 1 pad cell, at the end.
        assertArrayEquals(new int[] {0, 1, 112}, KerasToOnnxConverter.window(layer, 224, 3, 2, 1, "same"));
        // Dilation widens the window to 5: 2 cells each side at stride 1.
        assertArrayEquals(new int[] {2, 2, 10}, KerasToOnnxConverter.window(layer, 10, 3, 1, 2, "same"));
        // ResNet50's conv1: 230 (224 + 2 * 3 zero padding), 7x7, stride 2, "valid" -> 112.
        assertArrayEquals(new int[] {0, 0, 112}, KerasToOnnxConverter.window(layer, 230, 7, 2, 1, "valid"));
        // Its max pool: 114 (112 + 2 * 1), 3x3, stride 2 -> 56.
        assertArrayEquals(new int[] {0, 0, 56}, KerasToOnnxConverter.window(layer, 114, 3, 2, 1, "valid"));
    }
}
