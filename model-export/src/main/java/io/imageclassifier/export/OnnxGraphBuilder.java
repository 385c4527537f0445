package io.imageclassifier.export;

import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A thin layer over the ONNX protobuf builders: nodes with typed attributes, float32/int64
 * initializers, and the graph's input and output declarations. It knows nothing about Keras.
 *
 * <p>It checks that every value name is defined once (ONNX requires SSA form), which catches a
 * Keras layer name colliding with one of the exporter's own names.
 */
public final class OnnxGraphBuilder {

    /**
     * ONNX IR version 7 is the one that goes with opset 13 (ONNX 1.8); any ONNX Runtime since 1.6
     * loads it.
     */
    public static final long IR_VERSION = 7;

    private final OnnxMl.GraphProto.Builder graph = OnnxMl.GraphProto.newBuilder();
    private final List<NodeProto.Builder> nodes = new ArrayList<>();
    private final Set<String> definedValues = new HashSet<>();

    public OnnxGraphBuilder(String graphName) {
        graph.setName(graphName);
    }

    /** Declares a float32 graph input; a dimension of -1 becomes the symbolic dimension {@code symbolicDim}. */
    public void addFloatInput(String name, long[] shape, String symbolicDim) {
        define(name);
        graph.addInput(valueInfo(name, shape, symbolicDim));
    }

    /** Declares a float32 graph output; it must be produced by a node added before or after this call. */
    public void addFloatOutput(String name, long[] shape, String symbolicDim) {
        graph.addOutput(valueInfo(name, shape, symbolicDim));
    }

    /** A float32 constant, stored as little-endian raw data (compact, and fast to write and load). */
    public String addInitializer(String name, FloatTensor tensor) {
        define(name);
        ByteBuffer bytes = ByteBuffer.allocate(tensor.data().length * 4).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(tensor.data());
        TensorProto.Builder t = TensorProto.newBuilder()
                .setName(name)
                .setDataType(TensorProto.DataType.FLOAT_VALUE)
                // The array is ours alone and never written again, so it can be wrapped without a copy.
                .setRawData(UnsafeByteOperations.unsafeWrap(bytes.array()));
        for (int d : tensor.shape()) {
            t.addDims(d);
        }
        graph.addInitializer(t);
        return name;
    }

    /** A 1-D int64 constant, e.g. the pads of a Pad node. */
    public String addInt64Initializer(String name, long... values) {
        define(name);
        TensorProto.Builder t = TensorProto.newBuilder()
                .setName(name)
                .setDataType(TensorProto.DataType.INT64_VALUE)
                .addDims(values.length);
        for (long v : values) {
            t.addInt64Data(v);
        }
        graph.addInitializer(t);
        return name;
    }

    /**
     * Adds a node with one output; attributes are given as alternating name/value pairs, with values
     * {@code Integer}/{@code Long} (INT), {@code Float}/{@code Double} (FLOAT), {@code String}, or
     * {@code int[]}/{@code long[]} (INTS).
     *
     * @return the output value name
     */
    public String addNode(String opType, String nodeName, List<String> inputs, String output, Object... attributes) {
        if (attributes.length % 2 != 0) {
            throw new IllegalArgumentException("attributes must be name/value pairs");
        }
        define(output);
        NodeProto.Builder node = NodeProto.newBuilder()
                .setOpType(opType)
                .setName(nodeName)
                .addAllInput(inputs)
                .addOutput(output);
        for (int i = 0; i < attributes.length; i += 2) {
            node.addAttribute(attribute((String) attributes[i], attributes[i + 1]));
        }
        nodes.add(node);
        return output;
    }

    /**
     * Renames a value produced by a node, including where nodes read it, e.g. to give the last
     * layer's output the graph's public output name without an extra Identity node.
     */
    public void renameValue(String from, String to) {
        define(to);
        for (NodeProto.Builder node : nodes) {
            for (int i = 0; i < node.getOutputCount(); i++) {
                if (node.getOutput(i).equals(from)) {
                    node.setOutput(i, to);
                }
            }
            for (int i = 0; i < node.getInputCount(); i++) {
                if (node.getInput(i).equals(from)) {
                    node.setInput(i, to);
                }
            }
        }
        definedValues.remove(from);
    }

    /** Whether a node (not a graph input or initializer) produces {@code value}. */
    public boolean isNodeOutput(String value) {
        return nodes.stream().anyMatch(n -> n.getOutputList().contains(value));
    }

    public int nodeCount() {
        return nodes.size();
    }

    public OnnxMl.ModelProto build(int opset, String producerName, String producerVersion, String docString) {
        for (NodeProto.Builder node : nodes) {
            graph.addNode(node);
        }
        nodes.clear();
        return OnnxMl.ModelProto.newBuilder()
                .setIrVersion(IR_VERSION)
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset))
                .setProducerName(producerName)
                .setProducerVersion(producerVersion)
                .setDocString(docString)
                .setGraph(graph)
                .build();
    }

    private void define(String name) {
        if (!definedValues.add(name)) {
            throw new UnsupportedModelException("ONNX value name '" + name + "' would be defined twice"
                    + " (does a layer name clash with the exporter's input/output names?)");
        }
    }

    private static OnnxMl.ValueInfoProto valueInfo(String name, long[] shape, String symbolicDim) {
        OnnxMl.TensorShapeProto.Builder shapeProto = OnnxMl.TensorShapeProto.newBuilder();
        for (long d : shape) {
            OnnxMl.TensorShapeProto.Dimension.Builder dim = shapeProto.addDimBuilder();
            if (d < 0) {
                dim.setDimParam(symbolicDim);
            } else {
                dim.setDimValue(d);
            }
        }
        return OnnxMl.ValueInfoProto.newBuilder()
                .setName(name)
                .setType(OnnxMl.TypeProto.newBuilder().setTensorType(OnnxMl.TypeProto.Tensor.newBuilder()
                        .setElemType(TensorProto.DataType.FLOAT_VALUE)
                        .setShape(shapeProto)))
                .build();
    }

    private static AttributeProto attribute(String name, Object value) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name);
        if (value instanceof Integer || value instanceof Long) {
            a.setType(AttributeProto.AttributeType.INT).setI(((Number) value).longValue());
        } else if (value instanceof Float || value instanceof Double) {
            a.setType(AttributeProto.AttributeType.FLOAT).setF(((Number) value).floatValue());
        } else if (value instanceof String s) {
            a.setType(AttributeProto.AttributeType.STRING).setS(ByteString.copyFromUtf8(s));
        } else if (value instanceof int[] ints) {
            a.setType(AttributeProto.AttributeType.INTS);
            for (int v : ints) {
                a.addInts(v);
            }
        } else if (value instanceof long[] longs) {
            a.setType(AttributeProto.AttributeType.INTS);
            for (long v : longs) {
                a.addInts(v);
            }
        } else {
            throw new IllegalArgumentException("attribute " + name + ": unsupported value type " + value);
        }
        return a.build();
    }
}
