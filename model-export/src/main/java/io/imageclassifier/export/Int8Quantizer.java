package io.imageclassifier.export;

import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Statically quantizes the exported fp32 ResNet50 to int8 in QDQ form, which ONNX Runtime turns
 * into QLinearConv and QLinearAdd kernels when it loads the model.
 *
 * <p>Two steps. {@link #fold} rewrites the fp32 graph without changing its arithmetic: each
 * BatchNormalization goes into the weights and bias of the Conv before it (quantizing a Conv
 * whose output is then rescaled would lose precision), and each zero Pad goes into the pads of
 * the Conv or MaxPool after it. {@link #quantize} then puts a QuantizeLinear/DequantizeLinear
 * pair on every activation that a quantized op reads, with the calibrated {@link Range}s.
 *
 * <p>What is quantized, and how (the choices a trial on this model measured, see the README):
 * <ul>
 * <li>activations: uint8, one scale and zero point per tensor; ReLU outputs from 0;</li>
 * <li>Conv weights: symmetric per output channel, with all 8 bits (±127) where the CPU has
 *     VNNI and with 7 (±63) where it has not: ONNX Runtime's u8×s8 kernels for AVX2 add pairs
 *     of products in 16 bits, which full-range weights overflow (VNNI adds in 32 bits);</li>
 * <li>Conv biases: int32 with scale (input scale × weight scale), as QLinearConv needs;</li>
 * <li>kept in fp32: the first Conv (it reads the raw input, and costs 3 % of the model's
 *     multiply-adds) and everything after the last ReLU (the average pool and the classifier,
 *     under 0.1 %), where int8 would cost accuracy and save nothing.</li>
 * </ul>
 */
final class Int8Quantizer {

    /** The largest weight magnitude with 8 and with 7 bits (see the class comment). */
    static final int WEIGHT_MAX_8_BITS = 127;
    static final int WEIGHT_MAX_7_BITS = 63;

    /** An activation's calibrated range. */
    record Range(float low, float high) {
    }

    /** uint8 quantization of one tensor: {@code real = scale * (q - zeroPoint)}. */
    record Uint8Params(float scale, int zeroPoint) {

        static Uint8Params of(Range range) {
            float low = Math.min(range.low(), 0f);
            float high = Math.max(range.high(), 0f);
            float scale = Math.max(high - low, 1e-8f) / 255f;
            int zeroPoint = Math.round(-low / scale);
            return new Uint8Params(scale, Math.max(0, Math.min(255, zeroPoint)));
        }
    }

    private Int8Quantizer() {
    }

    /** The graph with BatchNormalization folded into the Convs and zero Pads into the ops after them. */
    static OnnxMl.ModelProto fold(OnnxMl.ModelProto fp32) {
        OnnxGraph g = new OnnxGraph(fp32);
        for (NodeProto.Builder bn : List.copyOf(g.nodes)) {
            if (bn.getOpType().equals("BatchNormalization")) {
                foldBatchNorm(g, bn);
            }
        }
        for (NodeProto.Builder pad : List.copyOf(g.nodes)) {
            if (pad.getOpType().equals("Pad")) {
                foldPad(g, pad);
            }
        }
        g.dropUnreadInitializers();
        return g.build(fp32.getDocString() + " BatchNormalization and Pad folded (Int8Quantizer.fold).");
    }

    private static void foldBatchNorm(OnnxGraph g, NodeProto.Builder bn) {
        String x = bn.getInput(0);
        NodeProto.Builder conv = g.producer(x).filter(p -> p.getOpType().equals("Conv")).orElse(null);
        if (conv == null || g.consumers(x).size() != 1 || g.isGraphOutput(x)) {
            throw new UnsupportedModelException("BatchNormalization " + bn.getName() + " does not follow a Conv"
                    + " alone; the int8 export folds each one into its Conv");
        }
        float[] gamma = OnnxGraph.floats(g.initializers.get(bn.getInput(1)));
        float[] beta = OnnxGraph.floats(g.initializers.get(bn.getInput(2)));
        float[] mean = OnnxGraph.floats(g.initializers.get(bn.getInput(3)));
        float[] variance = OnnxGraph.floats(g.initializers.get(bn.getInput(4)));
        float epsilon = OnnxGraph.attribute(bn, "epsilon").map(OnnxMl.AttributeProto::getF).orElse(1e-5f);

        TensorProto kernelProto = g.initializers.get(conv.getInput(1));
        float[] kernel = OnnxGraph.floats(kernelProto);
        int outChannels = gamma.length;
        int perChannel = kernel.length / outChannels;
        float[] bias = conv.getInputCount() > 2 ? OnnxGraph.floats(g.initializers.get(conv.getInput(2)))
                : new float[outChannels];
        float[] foldedKernel = new float[kernel.length];
        float[] foldedBias = new float[outChannels];
        for (int o = 0; o < outChannels; o++) {
            // In double, so the folded fp32 model stays within rounding of the unfolded one.
            double scale = gamma[o] / Math.sqrt((double) variance[o] + epsilon);
            for (int i = 0; i < perChannel; i++) {
                foldedKernel[o * perChannel + i] = (float) (kernel[o * perChannel + i] * scale);
            }
            foldedBias[o] = (float) ((bias[o] - mean[o]) * scale + beta[o]);
        }
        String kernelName = conv.getName() + "/folded_kernel";
        String biasName = conv.getName() + "/folded_bias";
        g.initializers.put(kernelName, OnnxGraph.floatTensor(kernelName, foldedKernel,
                kernelProto.getDimsList().stream().mapToLong(Long::longValue).toArray()));
        g.initializers.put(biasName, OnnxGraph.floatTensor(biasName, foldedBias, outChannels));
        conv.setInput(1, kernelName);
        if (conv.getInputCount() > 2) {
            conv.setInput(2, biasName);
        } else {
            conv.addInput(biasName);
        }
        conv.setOutput(0, bn.getOutput(0));
        g.nodes.remove(bn);
    }

    /**
     * A constant zero Pad before a Conv becomes the Conv's pads. Before a MaxPool it does too when
     * its input comes from a ReLU: MaxPool ignores pad cells, which equals padding with zeros only
     * because every value in the window is at least 0.
     */
    private static void foldPad(OnnxGraph g, NodeProto.Builder pad) {
        String mode = OnnxGraph.attribute(pad, "mode").map(a -> a.getS().toStringUtf8()).orElse("constant");
        List<NodeProto.Builder> consumers = g.consumers(pad.getOutput(0));
        if (!mode.equals("constant") || pad.getInputCount() > 2 || consumers.size() != 1
                || !g.initializers.containsKey(pad.getInput(1))) {
            return;
        }
        NodeProto.Builder next = consumers.get(0);
        boolean intoConv = next.getOpType().equals("Conv");
        boolean intoMaxPool = next.getOpType().equals("MaxPool")
                && g.producer(pad.getInput(0)).map(p -> p.getOpType().equals("Relu")).orElse(false);
        long[] p = OnnxGraph.int64s(g.initializers.get(pad.getInput(1))); // [n, c, h, w] begins, then ends
        if (!(intoConv || intoMaxPool) || p.length != 8 || p[0] != 0 || p[1] != 0 || p[4] != 0 || p[5] != 0) {
            return;
        }
        long[] pads = OnnxGraph.ints(next, "pads", 4); // [top, left, bottom, right]
        OnnxGraph.setInts(next, "pads", new long[] {pads[0] + p[2], pads[1] + p[3], pads[2] + p[6], pads[3] + p[7]});
        next.setInput(0, pad.getInput(0));
        g.nodes.remove(pad);
    }

    /**
     * The activations {@link #quantize} puts a QDQ pair on, in graph order: those a quantized op
     * (a Conv after the first, an Add, a MaxPool) reads, except a MaxPool's output, which keeps
     * its input's parameters. They are what calibration must measure.
     */
    static List<String> activationsToCalibrate(OnnxMl.ModelProto folded) {
        OnnxGraph g = new OnnxGraph(folded);
        return quantizedActivations(g).stream()
                .filter(v -> !g.producer(v).map(p -> p.getOpType().equals("MaxPool")).orElse(false))
                .toList();
    }

    /** Those of {@code activations} whose range must start at 0: the outputs of ReLUs. */
    static List<String> nonNegative(OnnxMl.ModelProto folded, List<String> activations) {
        OnnxGraph g = new OnnxGraph(folded);
        return activations.stream()
                .filter(a -> g.producer(a).map(p -> p.getOpType().equals("Relu")).orElse(false))
                .toList();
    }

    private static Set<String> quantizedActivations(OnnxGraph g) {
        Set<String> out = new LinkedHashSet<>();
        for (NodeProto.Builder node : g.nodes) {
            String value = node.getOutput(0);
            if (!Set.of("Relu", "MaxPool", "Conv", "Add").contains(node.getOpType())) {
                continue;
            }
            boolean readByQuantizedOp = g.consumers(value).stream().anyMatch(c -> switch (c.getOpType()) {
                case "Conv" -> quantizedConv(g, c);
                case "Add", "MaxPool" -> true;
                default -> false;
            });
            if (readByQuantizedOp) {
                out.add(value);
            }
        }
        return out;
    }

    /** Every Conv but the first, which reads the model input (through the NHWC to NCHW Transpose). */
    private static boolean quantizedConv(OnnxGraph g, NodeProto.Builder conv) {
        return g.producer(conv.getInput(0)).map(p -> !p.getOpType().equals("Transpose")).orElse(false);
    }

    /**
     * The QDQ model: a QuantizeLinear after each activation of {@link #activationsToCalibrate}
     * (and each MaxPool output, with its input's parameters), a DequantizeLinear before each of
     * its readers, and the weights and biases of the quantized Convs stored as int8 and int32.
     *
     * @param ranges for every activation of {@link #activationsToCalibrate}
     * @param weightMax {@link #WEIGHT_MAX_8_BITS} or {@link #WEIGHT_MAX_7_BITS}
     */
    static OnnxMl.ModelProto quantize(OnnxMl.ModelProto folded, Map<String, Range> ranges, int weightMax) {
        OnnxGraph g = new OnnxGraph(folded);
        Set<String> activations = quantizedActivations(g);
        Map<String, Uint8Params> params = new LinkedHashMap<>();
        for (String value : activations) {
            NodeProto.Builder producer = g.producer(value).orElseThrow();
            if (producer.getOpType().equals("MaxPool")) {
                // Same scale and zero point as its input, so ONNX Runtime runs the MaxPool on uint8.
                params.put(value, params.get(producer.getInput(0)));
            } else {
                Range range = ranges.get(value);
                if (range == null) {
                    throw new IllegalArgumentException("no calibrated range for " + value);
                }
                params.put(value, Uint8Params.of(range));
            }
        }
        // The Convs to quantize, and the scale of what each reads, before the inputs are rewired.
        Map<NodeProto.Builder, Float> convInputScale = new LinkedHashMap<>();
        for (NodeProto.Builder node : g.nodes) {
            if (node.getOpType().equals("Conv") && quantizedConv(g, node)) {
                Uint8Params in = params.get(node.getInput(0));
                if (in == null) {
                    throw new IllegalStateException("Conv " + node.getName() + " reads an unquantized value");
                }
                convInputScale.put(node, in.scale());
            }
        }
        for (String value : activations) {
            insertQdq(g, value, params.get(value));
        }
        convInputScale.forEach((conv, inputScale) -> quantizeConvWeights(g, conv, inputScale, weightMax));
        g.dropUnreadInitializers();
        return g.build(folded.getDocString() + " Statically quantized to int8 (QDQ; uint8 activations, "
                + (weightMax == WEIGHT_MAX_8_BITS ? 8 : 7) + "-bit per-channel weights) by"
                + " io.imageclassifier.export.Int8Quantizer.");
    }

    /**
     * How many {@code opType} nodes of a quantized model read only dequantized inputs and write a
     * quantized output (through a ReLU, which ONNX Runtime folds into the QuantizeLinear):
     * the groups ONNX Runtime should run as int8 kernels.
     */
    static int quantizedOps(OnnxMl.ModelProto int8, String opType) {
        OnnxGraph g = new OnnxGraph(int8);
        int count = 0;
        for (NodeProto.Builder node : g.nodes) {
            if (!node.getOpType().equals(opType)) {
                continue;
            }
            boolean inputsDequantized = node.getInputList().stream().allMatch(in -> g.producer(in)
                    .map(p -> p.getOpType().equals("DequantizeLinear")).orElse(false));
            List<NodeProto.Builder> next = g.consumers(node.getOutput(0));
            if (next.size() == 1 && next.get(0).getOpType().equals("Relu")) {
                next = g.consumers(next.get(0).getOutput(0));
            }
            boolean outputQuantized = next.size() == 1 && next.get(0).getOpType().equals("QuantizeLinear");
            if (inputsDequantized && outputQuantized) {
                count++;
            }
        }
        return count;
    }

    private static void insertQdq(OnnxGraph g, String value, Uint8Params p) {
        NodeProto.Builder producer = g.producer(value).orElseThrow();
        List<NodeProto.Builder> readers = g.consumers(value);
        String scale = value + "/scale";
        String zeroPoint = value + "/zero_point";
        g.initializers.put(scale, OnnxGraph.floatTensor(scale, new float[] {p.scale()}));
        g.initializers.put(zeroPoint, OnnxGraph.uint8Tensor(zeroPoint, new byte[] {(byte) p.zeroPoint()}));
        String quantized = value + "/quantized";
        List<NodeProto.Builder> inserted = new ArrayList<>();
        inserted.add(OnnxGraph.node("QuantizeLinear", value + "/quantize", List.of(value, scale, zeroPoint), quantized));
        // One DequantizeLinear per reader: each fused group in ONNX Runtime owns its own.
        for (int r = 0; r < readers.size(); r++) {
            NodeProto.Builder reader = readers.get(r);
            String dequantized = value + "/dequantized/" + r;
            inserted.add(OnnxGraph.node("DequantizeLinear", value + "/dequantize/" + r,
                    List.of(quantized, scale, zeroPoint), dequantized));
            for (int i = 0; i < reader.getInputCount(); i++) {
                if (reader.getInput(i).equals(value)) {
                    reader.setInput(i, dequantized);
                }
            }
        }
        g.nodes.addAll(g.nodes.indexOf(producer) + 1, inserted);
    }

    private static void quantizeConvWeights(OnnxGraph g, NodeProto.Builder conv, float inputScale, int weightMax) {
        TensorProto kernelProto = g.initializers.get(conv.getInput(1));
        float[] kernel = OnnxGraph.floats(kernelProto);
        float[] bias = OnnxGraph.floats(g.initializers.get(conv.getInput(2)));
        int outChannels = bias.length;
        int perChannel = kernel.length / outChannels;
        byte[] q = new byte[kernel.length];
        float[] weightScale = new float[outChannels];
        float[] biasScale = new float[outChannels];
        int[] qBias = new int[outChannels];
        for (int o = 0; o < outChannels; o++) {
            float max = 0f;
            for (int i = 0; i < perChannel; i++) {
                max = Math.max(max, Math.abs(kernel[o * perChannel + i]));
            }
            weightScale[o] = max > 0f ? max / weightMax : 1f;
            for (int i = 0; i < perChannel; i++) {
                int v = Math.round(kernel[o * perChannel + i] / weightScale[o]);
                q[o * perChannel + i] = (byte) Math.max(-weightMax, Math.min(weightMax, v));
            }
            biasScale[o] = inputScale * weightScale[o];
            qBias[o] = (int) Math.max(Integer.MIN_VALUE + 1, Math.min(Integer.MAX_VALUE, Math.round((double) bias[o] / biasScale[o])));
        }
        String name = conv.getName();
        long[] dims = kernelProto.getDimsList().stream().mapToLong(Long::longValue).toArray();
        g.initializers.put(name + "/kernel_int8", OnnxGraph.int8Tensor(name + "/kernel_int8", q, dims));
        g.initializers.put(name + "/kernel_scale", OnnxGraph.floatTensor(name + "/kernel_scale", weightScale, outChannels));
        g.initializers.put(name + "/kernel_zero_point",
                OnnxGraph.int8Tensor(name + "/kernel_zero_point", new byte[outChannels], outChannels));
        g.initializers.put(name + "/bias_int32", OnnxGraph.int32Tensor(name + "/bias_int32", qBias, outChannels));
        g.initializers.put(name + "/bias_scale", OnnxGraph.floatTensor(name + "/bias_scale", biasScale, outChannels));
        g.initializers.put(name + "/bias_zero_point",
                OnnxGraph.int32Tensor(name + "/bias_zero_point", new int[outChannels], outChannels));
        NodeProto.Builder kernelDq = OnnxGraph.node("DequantizeLinear", name + "/kernel_dequantize",
                List.of(name + "/kernel_int8", name + "/kernel_scale", name + "/kernel_zero_point"), name + "/kernel_dq")
                .addAttribute(OnnxGraph.intAttribute("axis", 0));
        NodeProto.Builder biasDq = OnnxGraph.node("DequantizeLinear", name + "/bias_dequantize",
                List.of(name + "/bias_int32", name + "/bias_scale", name + "/bias_zero_point"), name + "/bias_dq")
                .addAttribute(OnnxGraph.intAttribute("axis", 0));
        conv.setInput(1, name + "/kernel_dq");
        conv.setInput(2, name + "/bias_dq");
        int at = g.nodes.indexOf(conv);
        g.nodes.add(at, biasDq);
        g.nodes.add(at, kernelDq);
    }
}
