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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * An exported ONNX graph opened for rewriting: its nodes in order and its initializers by name.
 * The rewrites of {@link Int8Quantizer} (fold, insert, rewire) happen here, and {@link #build}
 * gives back a model with the original's opset, metadata, inputs and outputs.
 */
final class OnnxGraph {

    private final OnnxMl.ModelProto original;
    final List<NodeProto.Builder> nodes = new ArrayList<>();
    final Map<String, TensorProto> initializers = new LinkedHashMap<>();

    OnnxGraph(OnnxMl.ModelProto model) {
        this.original = model;
        model.getGraph().getNodeList().forEach(n -> nodes.add(n.toBuilder()));
        model.getGraph().getInitializerList().forEach(t -> initializers.put(t.getName(), t));
    }

    /** The node that produces {@code value}, if a node does (not a graph input or initializer). */
    Optional<NodeProto.Builder> producer(String value) {
        return nodes.stream().filter(n -> n.getOutputList().contains(value)).findFirst();
    }

    /** The nodes that read {@code value}, in graph order. */
    List<NodeProto.Builder> consumers(String value) {
        return nodes.stream().filter(n -> n.getInputList().contains(value)).toList();
    }

    boolean isGraphOutput(String value) {
        return original.getGraph().getOutputList().stream().anyMatch(o -> o.getName().equals(value));
    }

    /** Every read of {@code from} now reads {@code to}. */
    void rewire(String from, String to) {
        for (NodeProto.Builder node : nodes) {
            for (int i = 0; i < node.getInputCount(); i++) {
                if (node.getInput(i).equals(from)) {
                    node.setInput(i, to);
                }
            }
        }
    }

    /** Drops the initializers no node reads any more. */
    void dropUnreadInitializers() {
        Set<String> read = nodes.stream().flatMap(n -> n.getInputList().stream()).collect(Collectors.toSet());
        initializers.keySet().retainAll(read);
    }

    OnnxMl.ModelProto build(String docString) {
        OnnxMl.GraphProto.Builder graph = original.getGraph().toBuilder().clearNode().clearInitializer();
        nodes.forEach(graph::addNode);
        initializers.values().forEach(graph::addInitializer);
        return original.toBuilder().setGraph(graph).setDocString(docString).build();
    }

    static NodeProto.Builder node(String opType, String name, List<String> inputs, String output) {
        return NodeProto.newBuilder().setOpType(opType).setName(name).addAllInput(inputs).addOutput(output);
    }

    static AttributeProto intAttribute(String name, long value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value).build();
    }

    static Optional<AttributeProto> attribute(NodeProto.Builder node, String name) {
        return node.getAttributeList().stream().filter(a -> a.getName().equals(name)).findFirst();
    }

    /** Replaces (or adds) an INTS attribute. */
    static void setInts(NodeProto.Builder node, String name, long[] values) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (long v : values) {
            a.addInts(v);
        }
        for (int i = 0; i < node.getAttributeCount(); i++) {
            if (node.getAttribute(i).getName().equals(name)) {
                node.setAttribute(i, a);
                return;
            }
        }
        node.addAttribute(a);
    }

    static long[] ints(NodeProto.Builder node, String name, int size) {
        return attribute(node, name).map(a -> a.getIntsList().stream().mapToLong(Long::longValue).toArray())
                .orElse(new long[size]);
    }

    // Tensors, as the exporter stores them: little-endian raw data.

    static float[] floats(TensorProto t) {
        if (t.getDataType() != TensorProto.DataType.FLOAT_VALUE) {
            throw new IllegalArgumentException(t.getName() + " is not float32");
        }
        if (!t.getRawData().isEmpty()) {
            float[] out = new float[t.getRawData().size() / Float.BYTES];
            t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
            return out;
        }
        float[] out = new float[t.getFloatDataCount()];
        for (int i = 0; i < out.length; i++) {
            out[i] = t.getFloatData(i);
        }
        return out;
    }

    static long[] int64s(TensorProto t) {
        if (!t.getRawData().isEmpty()) {
            long[] out = new long[t.getRawData().size() / Long.BYTES];
            t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(out);
            return out;
        }
        return t.getInt64DataList().stream().mapToLong(Long::longValue).toArray();
    }

    static TensorProto floatTensor(String name, float[] data, long... dims) {
        ByteBuffer bytes = ByteBuffer.allocate(data.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(data);
        return tensor(name, TensorProto.DataType.FLOAT_VALUE, bytes.array(), dims);
    }

    static TensorProto int8Tensor(String name, byte[] data, long... dims) {
        return tensor(name, TensorProto.DataType.INT8_VALUE, data, dims);
    }

    static TensorProto uint8Tensor(String name, byte[] data, long... dims) {
        return tensor(name, TensorProto.DataType.UINT8_VALUE, data, dims);
    }

    static TensorProto int32Tensor(String name, int[] data, long... dims) {
        ByteBuffer bytes = ByteBuffer.allocate(data.length * Integer.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asIntBuffer().put(data);
        return tensor(name, TensorProto.DataType.INT32_VALUE, bytes.array(), dims);
    }

    private static TensorProto tensor(String name, int dataType, byte[] raw, long... dims) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(dataType)
                // The arrays are made here for this tensor alone and never written again.
                .setRawData(raw.length == 0 ? ByteString.EMPTY : UnsafeByteOperations.unsafeWrap(raw));
        for (long d : dims) {
            t.addDims(d);
        }
        return t.build();
    }
}
