package io.imageclassifier.export;

import ai.onnx.proto.OnnxMl;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Translates a Keras functional model (as read from a TF.js layers model) into an ONNX graph, one
 * layer at a time, walking the layer graph given by the layers' {@code inbound_nodes}.
 *
 * <p><b>Layout.</b> Keras works channels-last (NHWC); ONNX Conv, MaxPool, BatchNormalization and
 * GlobalAveragePool are channels-first (NCHW). The graph input stays NHWC, as the caller feeds it;
 * it is transposed to NCHW once, right after the input, and every layer then works in NCHW. An
 * image-shaped model output would be transposed back to NHWC; a vector output (Dense) needs nothing.
 *
 * <p><b>Faithfulness.</b> Every Keras layer becomes the ONNX op(s) with the same arithmetic: Conv2D
 * is Conv (HWIO kernel transposed to OIHW, explicit pads computed exactly as TensorFlow's "same"),
 * BatchNormalization is an ONNX BatchNormalization with the moving statistics and Keras' epsilon (not
 * folded into the conv weights: ONNX Runtime's own graph optimizer does that fusion at load time,
 * and keeping the op makes the exported graph read like the Keras model), ZeroPadding2D is Pad,
 * and so on. Anything the converter does not recognize, or any config value that would change the
 * arithmetic in a way it does not translate, stops the export with an {@link UnsupportedModelException}.
 * Every weight in the manifest must be used by some layer.
 *
 * <p>Supported layers: InputLayer, ZeroPadding2D, Conv2D, BatchNormalization, Activation, Add,
 * MaxPooling2D, GlobalAveragePooling2D, Dense; activations linear, relu, sigmoid, tanh, softmax.
 */
public final class KerasToOnnxConverter {

    /** ONNX opset 13: supported by every current ONNX Runtime, and has all the ops used here. */
    public static final int OPSET = 13;

    /** Name of the symbolic batch dimension of the graph input and output. */
    public static final String BATCH_DIM = "N";

    static final List<String> SUPPORTED_LAYERS = List.of("InputLayer", "ZeroPadding2D", "Conv2D",
            "BatchNormalization", "Activation", "Add", "MaxPooling2D", "GlobalAveragePooling2D", "Dense");

    /** Keras to ONNX transposition of an image tensor. */
    private static final int[] NHWC_TO_NCHW = {0, 3, 1, 2};
    private static final int[] NCHW_TO_NHWC = {0, 2, 3, 1};
    /** Keras Conv2D kernel [rows, cols, in, out] to ONNX Conv weight [out, in, rows, cols]. */
    private static final int[] HWIO_TO_OIHW = {3, 2, 0, 1};

    /**
     * A tensor of the graph being built: the ONNX value name, and the Keras shape without the batch
     * axis. Invariant: a rank-3 Keras shape (H, W, C) is held in ONNX as NCHW [N, C, H, W]; a rank-1
     * shape (C) as [N, C]. So the channel axis is always ONNX axis 1.
     */
    private record Value(String name, int[] shape) {
        int rank() {
            return shape.length;
        }

        int channels() {
            return shape[shape.length - 1];
        }
    }

    private final TfjsLayersModel model;
    private final String inputName;
    private final String outputName;
    private final OnnxGraphBuilder graph;

    private KerasToOnnxConverter(TfjsLayersModel model, String inputName, String outputName) {
        this.model = model;
        this.inputName = inputName;
        this.outputName = outputName;
        this.graph = new OnnxGraphBuilder(model.name().isEmpty() ? "model" : model.name());
    }

    /**
     * Converts the model.
     *
     * @param inputName  name of the ONNX graph input (float32, Keras input shape with a symbolic batch dim)
     * @param outputName name of the ONNX graph output (float32, Keras output shape with a symbolic batch dim)
     */
    public static OnnxMl.ModelProto convert(TfjsLayersModel model, String inputName, String outputName) {
        return new KerasToOnnxConverter(model, inputName, outputName).convert();
    }

    private OnnxMl.ModelProto convert() {
        Map<String, Value> outputs = new HashMap<>();
        for (KerasLayer layer : layersInDependencyOrder()) {
            Value out;
            if (layer.className().equals("InputLayer")) {
                out = inputLayer(layer);
            } else {
                if (layer.inboundLayers().isEmpty()) {
                    throw layer.unsupported("has no inputs (inbound_nodes is empty)");
                }
                List<Value> inputs = new ArrayList<>();
                for (String from : layer.inboundLayers()) {
                    inputs.add(outputs.get(from));
                }
                out = convertLayer(layer, inputs);
            }
            outputs.put(layer.name(), out);
        }
        declareOutput(outputs.get(model.outputLayer()));

        List<String> unused = model.weights().untaken();
        if (!unused.isEmpty()) {
            throw new UnsupportedModelException(unused.size() + " weight(s) of the manifest belong to no converted"
                    + " layer (the ONNX model would not match the original): "
                    + unused.subList(0, Math.min(5, unused.size())) + (unused.size() > 5 ? "..." : ""));
        }
        return graph.build(OPSET, "io.imageclassifier.export", "1",
                "Converted from the TF.js layers model '" + model.name() + "' (" + model.generatedBy() + ", "
                        + model.convertedBy() + ") by io.imageclassifier.export.KerasToOnnxConverter.");
    }

    /**
     * The layers the output depends on, each after all of its inputs (a depth-first walk from the
     * output layer along inbound_nodes; model.json's own order is not relied on). Rejects references
     * to unknown layers, cycles, and a graph that does not start at the declared input layer.
     */
    private List<KerasLayer> layersInDependencyOrder() {
        Map<String, KerasLayer> byName = new LinkedHashMap<>();
        for (KerasLayer layer : model.layers()) {
            if (byName.put(layer.name(), layer) != null) {
                throw new UnsupportedModelException("two layers are named '" + layer.name() + "'");
            }
        }
        if (!byName.containsKey(model.outputLayer())) {
            throw new UnsupportedModelException("output layer '" + model.outputLayer() + "' is not in the layer list");
        }
        List<KerasLayer> order = new ArrayList<>();
        Map<String, Boolean> finished = new HashMap<>(); // false while on the current path, true when placed
        visit(model.outputLayer(), byName, finished, order);

        KerasLayer first = order.get(0);
        if (!first.name().equals(model.inputLayer()) || !first.className().equals("InputLayer")) {
            throw new UnsupportedModelException("the output does not depend on the declared input layer '"
                    + model.inputLayer() + "' (found '" + first.name() + "' of type " + first.className() + ")");
        }
        return order;
    }

    private static void visit(String name, Map<String, KerasLayer> byName, Map<String, Boolean> finished,
            List<KerasLayer> order) {
        Boolean state = finished.get(name);
        if (Boolean.TRUE.equals(state)) {
            return;
        }
        if (Boolean.FALSE.equals(state)) {
            throw new UnsupportedModelException("the layer graph has a cycle through layer '" + name + "'");
        }
        finished.put(name, false);
        KerasLayer layer = byName.get(name);
        for (String from : layer.inboundLayers()) {
            if (!byName.containsKey(from)) {
                throw layer.unsupported("reads from layer '%s', which is not in the layer list", from);
            }
            visit(from, byName, finished, order);
        }
        finished.put(name, true);
        order.add(layer);
    }

    private Value convertLayer(KerasLayer layer, List<Value> inputs) {
        return switch (layer.className()) {
            case "ZeroPadding2D" -> zeroPadding2d(layer, single(layer, inputs));
            case "Conv2D" -> conv2d(layer, single(layer, inputs));
            case "BatchNormalization" -> batchNormalization(layer, single(layer, inputs));
            case "Activation" -> {
                layer.requireFloat32();
                yield activation(layer, single(layer, inputs), layer.string("activation"), layer.name());
            }
            case "Add" -> add(layer, inputs);
            case "MaxPooling2D" -> maxPooling2d(layer, single(layer, inputs));
            case "GlobalAveragePooling2D" -> globalAveragePooling2d(layer, single(layer, inputs));
            case "Dense" -> dense(layer, single(layer, inputs));
            case "InputLayer" -> throw layer.unsupported("an InputLayer with inputs is not supported");
            default -> throw layer.unsupported("unsupported layer type; the exporter supports %s", SUPPORTED_LAYERS);
        };
    }

    private Value inputLayer(KerasLayer layer) {
        layer.requireFloat32();
        // Keras 2 writes batch_input_shape; Keras 3 writes batch_shape.
        JsonElement shapeJson = layer.has("batch_input_shape") ? layer.raw("batch_input_shape") : layer.raw("batch_shape");
        JsonArray dims = shapeJson.getAsJsonArray();
        if (dims.size() != 4 && dims.size() != 2) {
            throw layer.unsupported("input shape %s: only images [batch, rows, cols, channels] or vectors"
                    + " [batch, features] are supported", shapeJson);
        }
        int[] shape = new int[dims.size() - 1];
        long[] onnxShape = new long[dims.size()];
        onnxShape[0] = -1; // symbolic batch, whatever Keras had (it is null for this kind of model)
        for (int i = 1; i < dims.size(); i++) {
            if (dims.get(i).isJsonNull() || dims.get(i).getAsInt() <= 0) {
                throw layer.unsupported("input shape %s: all dimensions but the batch must be fixed", shapeJson);
            }
            shape[i - 1] = dims.get(i).getAsInt();
            onnxShape[i] = shape[i - 1];
        }
        graph.addFloatInput(inputName, onnxShape, BATCH_DIM);
        if (shape.length == 1) {
            return new Value(inputName, shape);
        }
        String nchw = graph.addNode("Transpose", layer.name() + "/to_nchw", List.of(inputName),
                layer.name() + "/nchw", "perm", NHWC_TO_NCHW);
        return new Value(nchw, shape);
    }

    private Value zeroPadding2d(KerasLayer layer, Value in) {
        requireImage(layer, in);
        layer.requireFloat32();
        layer.requireChannelsLast();
        int[] p = zeroPadding(layer); // top, bottom, left, right
        // Pad (opset 11+) takes the pads as an int64 input: [begin of N, C, H, W, end of N, C, H, W].
        String pads = graph.addInt64Initializer(layer.name() + "/pads", 0, 0, p[0], p[2], 0, 0, p[1], p[3]);
        graph.addNode("Pad", layer.name(), List.of(in.name(), pads), layer.name(), "mode", "constant");
        return new Value(layer.name(), new int[] {in.shape()[0] + p[0] + p[1], in.shape()[1] + p[2] + p[3], in.channels()});
    }

    /** ZeroPadding2D's padding: {@code n}, {@code [rows, cols]}, or {@code [[top, bottom], [left, right]]}. */
    private static int[] zeroPadding(KerasLayer layer) {
        JsonElement e = layer.raw("padding");
        try {
            if (e.isJsonPrimitive()) {
                int n = e.getAsInt();
                return new int[] {n, n, n, n};
            }
            JsonArray a = e.getAsJsonArray();
            if (a.size() == 2 && a.get(0).isJsonPrimitive()) {
                int rows = a.get(0).getAsInt();
                int cols = a.get(1).getAsInt();
                return new int[] {rows, rows, cols, cols};
            }
            if (a.size() == 2) {
                JsonArray rows = a.get(0).getAsJsonArray();
                JsonArray cols = a.get(1).getAsJsonArray();
                if (rows.size() == 2 && cols.size() == 2) {
                    int[] p = {rows.get(0).getAsInt(), rows.get(1).getAsInt(), cols.get(0).getAsInt(), cols.get(1).getAsInt()};
                    if (Arrays.stream(p).allMatch(v -> v >= 0)) {
                        return p;
                    }
                }
            }
        } catch (IllegalStateException | UnsupportedOperationException | NumberFormatException ignored) {
            // reported below
        }
        throw layer.unsupported("padding %s is not understood", e);
    }

    private Value conv2d(KerasLayer layer, Value in) {
        requireImage(layer, in);
        layer.requireFloat32();
        layer.requireChannelsLast();
        if (layer.has("groups") && layer.integer("groups") != 1) {
            throw layer.unsupported("grouped convolution (groups=%d) is not supported", layer.integer("groups"));
        }
        int filters = layer.integer("filters");
        int[] kernelSize = layer.intPair("kernel_size");
        int[] strides = layer.intPair("strides", new int[] {1, 1});
        int[] dilations = layer.intPair("dilation_rate", new int[] {1, 1});
        String padding = layer.string("padding", "valid");

        int[] rows = window(layer, in.shape()[0], kernelSize[0], strides[0], dilations[0], padding);
        int[] cols = window(layer, in.shape()[1], kernelSize[1], strides[1], dilations[1], padding);

        FloatTensor kernel = model.weights().take(layer, "kernel", kernelSize[0], kernelSize[1], in.channels(), filters);
        List<String> inputs = new ArrayList<>(List.of(in.name(),
                graph.addInitializer(layer.name() + "/kernel", kernel.transpose(HWIO_TO_OIHW))));
        if (layer.bool("use_bias", true)) {
            inputs.add(graph.addInitializer(layer.name() + "/bias", model.weights().take(layer, "bias", filters)));
        }
        graph.addNode("Conv", layer.name(), inputs, layer.name(),
                "kernel_shape", kernelSize,
                "strides", strides,
                "dilations", dilations,
                // ONNX order: [top, left, bottom, right]
                "pads", new int[] {rows[0], cols[0], rows[1], cols[1]},
                "group", 1);
        Value out = new Value(layer.name(), new int[] {rows[2], cols[2], filters});
        return activation(layer, out, layer.string("activation", "linear"), null);
    }

    private Value batchNormalization(KerasLayer layer, Value in) {
        layer.requireFloat32();
        // Keras allows an int or a list; it must be the channel axis, which channels_last puts last.
        JsonElement axisJson = layer.raw("axis");
        JsonArray axes = axisJson.isJsonArray() ? axisJson.getAsJsonArray() : null;
        if (axes != null && axes.size() != 1) {
            throw layer.unsupported("normalizing over several axes %s is not supported", axisJson);
        }
        int axis = (axes != null ? axes.get(0) : axisJson).getAsInt();
        int kerasRank = in.rank() + 1; // with the batch axis
        if (axis < 0) {
            axis += kerasRank;
        }
        if (axis != kerasRank - 1) {
            throw layer.unsupported("axis %s is not the channel (last) axis of its rank-%d input", axisJson, kerasRank);
        }
        if (layer.bool("renorm", false)) {
            throw layer.unsupported("batch renormalization is not supported");
        }
        int c = in.channels();
        FloatTensor gamma = layer.bool("scale", true) ? model.weights().take(layer, "gamma", c) : filled(c, 1f);
        FloatTensor beta = layer.bool("center", true) ? model.weights().take(layer, "beta", c) : filled(c, 0f);
        FloatTensor mean = model.weights().take(layer, "moving_mean", c);
        FloatTensor variance = model.weights().take(layer, "moving_variance", c);
        double epsilon = layer.number("epsilon", 1e-3);
        // Inference-mode BN: y = gamma * (x - moving_mean) / sqrt(moving_variance + epsilon) + beta,
        // exactly Keras' formula; ONNX normalizes over axis 1, which is where the channels are.
        graph.addNode("BatchNormalization", layer.name(), List.of(in.name(),
                        graph.addInitializer(layer.name() + "/gamma", gamma),
                        graph.addInitializer(layer.name() + "/beta", beta),
                        graph.addInitializer(layer.name() + "/moving_mean", mean),
                        graph.addInitializer(layer.name() + "/moving_variance", variance)),
                layer.name(), "epsilon", (float) epsilon);
        return new Value(layer.name(), in.shape());
    }

    private Value add(KerasLayer layer, List<Value> inputs) {
        layer.requireFloat32();
        if (inputs.size() < 2) {
            throw layer.unsupported("needs at least 2 inputs, has %d", inputs.size());
        }
        for (Value v : inputs) {
            if (!Arrays.equals(v.shape(), inputs.get(0).shape())) {
                throw layer.unsupported("input shapes differ (%s vs %s); broadcasting is not supported",
                        Arrays.toString(inputs.get(0).shape()), Arrays.toString(v.shape()));
            }
        }
        graph.addNode(inputs.size() == 2 ? "Add" : "Sum", layer.name(),
                inputs.stream().map(Value::name).toList(), layer.name());
        return new Value(layer.name(), inputs.get(0).shape());
    }

    private Value maxPooling2d(KerasLayer layer, Value in) {
        requireImage(layer, in);
        layer.requireFloat32();
        layer.requireChannelsLast();
        int[] pool = layer.intPair("pool_size", new int[] {2, 2});
        int[] strides = layer.intPair("strides", pool); // Keras: strides default to the pool size
        String padding = layer.string("padding", "valid");
        int[] rows = window(layer, in.shape()[0], pool[0], strides[0], 1, padding);
        int[] cols = window(layer, in.shape()[1], pool[1], strides[1], 1, padding);
        // ONNX MaxPool ignores pad cells, as TensorFlow's "same" max pooling does.
        graph.addNode("MaxPool", layer.name(), List.of(in.name()), layer.name(),
                "kernel_shape", pool,
                "strides", strides,
                "pads", new int[] {rows[0], cols[0], rows[1], cols[1]});
        return new Value(layer.name(), new int[] {rows[2], cols[2], in.channels()});
    }

    private Value globalAveragePooling2d(KerasLayer layer, Value in) {
        requireImage(layer, in);
        layer.requireFloat32();
        layer.requireChannelsLast();
        boolean keepDims = layer.bool("keepdims", false);
        String pooled = graph.addNode("GlobalAveragePool", layer.name(), List.of(in.name()),
                keepDims ? layer.name() : layer.name() + "/nc11");
        if (keepDims) {
            return new Value(pooled, new int[] {1, 1, in.channels()});
        }
        // [N, C, 1, 1] -> [N, C], the Keras output shape.
        graph.addNode("Flatten", layer.name() + "/flatten", List.of(pooled), layer.name(), "axis", 1);
        return new Value(layer.name(), new int[] {in.channels()});
    }

    private Value dense(KerasLayer layer, Value in) {
        layer.requireFloat32();
        if (in.rank() != 1) {
            throw layer.unsupported("input has Keras shape %s; Dense is only supported on vectors"
                    + " (e.g. after GlobalAveragePooling2D)", Arrays.toString(in.shape()));
        }
        int units = layer.integer("units");
        // Keras kernel is [in, units]: y = x . kernel + bias, which is Gemm(A=x, B=kernel, C=bias).
        List<String> inputs = new ArrayList<>(List.of(in.name(),
                graph.addInitializer(layer.name() + "/kernel", model.weights().take(layer, "kernel", in.channels(), units))));
        if (layer.bool("use_bias", true)) {
            inputs.add(graph.addInitializer(layer.name() + "/bias", model.weights().take(layer, "bias", units)));
        }
        graph.addNode("Gemm", layer.name(), inputs, layer.name());
        return activation(layer, new Value(layer.name(), new int[] {units}), layer.string("activation", "linear"), null);
    }

    /**
     * Applies a Keras activation function. Its ONNX output is named {@code outputName}, or
     * {@code "<layer>/<activation>"} when null (activation fused into a Conv2D/Dense layer).
     */
    private Value activation(KerasLayer layer, Value in, String activation, String outputName) {
        String op = switch (activation) {
            case "linear" -> null;
            case "relu" -> "Relu";
            case "sigmoid" -> "Sigmoid";
            case "tanh" -> "Tanh";
            case "softmax" -> "Softmax";
            default -> throw layer.unsupported("activation '%s' is not supported (linear, relu, sigmoid, tanh,"
                    + " softmax)", activation);
        };
        if (op == null) {
            if (outputName == null) {
                return in;
            }
            // A standalone linear Activation layer: keep the layer's name on the graph.
            return new Value(graph.addNode("Identity", outputName, List.of(in.name()), outputName), in.shape());
        }
        String out = outputName != null ? outputName : layer.name() + "/" + activation;
        if (op.equals("Softmax")) {
            // Keras softmax is over the last (channel) axis, which is ONNX axis 1 in this graph's layout.
            graph.addNode(op, out, List.of(in.name()), out, "axis", 1);
        } else {
            graph.addNode(op, out, List.of(in.name()), out);
        }
        return new Value(out, in.shape());
    }

    /** Gives the final value the public output name, back in Keras layout. */
    private void declareOutput(Value out) {
        long[] shape = new long[out.rank() + 1];
        shape[0] = -1;
        for (int i = 0; i < out.rank(); i++) {
            shape[i + 1] = out.shape()[i];
        }
        if (out.rank() == 3) {
            graph.addNode("Transpose", outputName + "/to_nhwc", List.of(out.name()), outputName, "perm", NCHW_TO_NHWC);
        } else if (graph.isNodeOutput(out.name())) {
            graph.renameValue(out.name(), outputName);
        } else {
            graph.addNode("Identity", outputName, List.of(out.name()), outputName);
        }
        graph.addFloatOutput(outputName, shape, BATCH_DIM);
    }

    /**
     * Output size and padding along one spatial axis, as TensorFlow defines them.
     * "valid": no padding, {@code out = floor((in - effectiveKernel) / stride) + 1}.
     * "same": {@code out = ceil(in / stride)}, padded by just enough, with the odd cell at the end
     * (bottom/right) — unlike a symmetric pad, which is why the pads are computed, not auto_pad'ed.
     *
     * @return {padBefore, padAfter, outputSize}
     */
    static int[] window(KerasLayer layer, int in, int kernel, int stride, int dilation, String padding) {
        if (kernel < 1 || stride < 1 || dilation < 1) {
            throw layer.unsupported("kernel %d, stride %d, dilation %d must all be positive", kernel, stride, dilation);
        }
        int effective = (kernel - 1) * dilation + 1;
        switch (padding) {
            case "valid" -> {
                if (in < effective) {
                    throw layer.unsupported("input size %d is smaller than the window %d", in, effective);
                }
                return new int[] {0, 0, (in - effective) / stride + 1};
            }
            case "same" -> {
                int out = (in + stride - 1) / stride;
                int total = Math.max((out - 1) * stride + effective - in, 0);
                return new int[] {total / 2, total - total / 2, out};
            }
            default -> throw layer.unsupported("padding '%s' is not supported (valid, same)", padding);
        }
    }

    private static Value single(KerasLayer layer, List<Value> inputs) {
        if (inputs.size() != 1) {
            throw layer.unsupported("expects 1 input, has %d", inputs.size());
        }
        return inputs.get(0);
    }

    private static void requireImage(KerasLayer layer, Value in) {
        if (in.rank() != 3) {
            throw layer.unsupported("expects an image input (rows, cols, channels), got Keras shape %s",
                    Arrays.toString(in.shape()));
        }
    }

    private static FloatTensor filled(int n, float value) {
        float[] data = new float[n];
        Arrays.fill(data, value);
        return new FloatTensor(new int[] {n}, data);
    }
}
