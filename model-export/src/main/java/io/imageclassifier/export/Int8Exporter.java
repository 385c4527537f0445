package io.imageclassifier.export;

import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.imageclassifier.protocol.CpuFeatures;
import io.imageclassifier.protocol.ModelContract;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes the int8 ResNet50 beside the fp32 one: folds, calibrates on the photos given (never
 * the ones the agreement check judges), quantizes ({@link Int8Quantizer}), and checks that ONNX
 * Runtime really runs the quantized ops as int8 kernels.
 *
 * <p>Usage: {@code Int8Exporter <fp32.onnx> <calibration-photo-dir> <int8.onnx>}
 */
public final class Int8Exporter {

    /** Share of each activation's values kept inside its range (see {@link ActivationCalibrator}). */
    static final double PERCENTILE = 0.99999;
    /** The folded fp32 graph must compute what the exported one does, to rounding. */
    static final double FOLD_TOLERANCE = 1e-4;

    /** One photo as the model takes it. */
    private static final long[] INPUT_SHAPE = {1, ModelContract.IMAGE_SIZE, ModelContract.IMAGE_SIZE,
            ModelContract.CHANNELS};

    private Int8Exporter() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: Int8Exporter <fp32.onnx> <calibration-photo-dir> <int8.onnx>");
            System.exit(2);
        }
        try {
            export(Path.of(args[0]), Path.of(args[1]), Path.of(args[2]));
        } catch (UnsupportedModelException | IllegalStateException e) {
            System.err.println("error: int8 export failed: " + e.getMessage());
            System.exit(1);
        }
    }

    static void export(Path fp32Path, Path photoDir, Path output) throws IOException, OrtException {
        long t0 = System.nanoTime();
        OnnxMl.ModelProto fp32;
        try (InputStream in = Files.newInputStream(fp32Path)) {
            fp32 = OnnxMl.ModelProto.parseFrom(in);
        }
        OnnxMl.ModelProto folded = Int8Quantizer.fold(fp32);
        List<Path> photos = ModelPhotos.in(photoDir);
        if (photos.size() < 8) {
            throw new IllegalStateException(photoDir + " holds " + photos.size() + " photos; calibration needs 8 or more");
        }
        List<FloatBuffer> inputs = new ArrayList<>();
        for (Path photo : photos) {
            inputs.add(ModelPhotos.input(photo));
        }
        double foldDiff = maxAbsDiff(fp32.toByteArray(), folded.toByteArray(), inputs.subList(0, 2));
        if (foldDiff > FOLD_TOLERANCE) {
            throw new IllegalStateException("folding BatchNormalization and Pad changed the output by " + foldDiff);
        }
        System.out.printf(Locale.ROOT, "    folded: %d nodes (was %d), output within %.1e of the exported model%n",
                folded.getGraph().getNodeCount(), fp32.getGraph().getNodeCount(), foldDiff);

        long t1 = System.nanoTime();
        List<String> activations = Int8Quantizer.activationsToCalibrate(folded);
        List<String> nonNegative = Int8Quantizer.nonNegative(folded, activations);
        Map<String, Int8Quantizer.Range> ranges = ActivationCalibrator.calibrate(folded, activations, nonNegative,
                inputs, INPUT_SHAPE, PERCENTILE);
        System.out.printf(Locale.ROOT, "    calibrated %d activations on %d photos of %s (%.5f percentile, %.1f s)%n",
                activations.size(), photos.size(), photoDir, PERCENTILE * 100, seconds(t1));

        // The weights' bits suit the CPU the model is exported on (see Int8Quantizer); the metadata
        // says which, so that a daemon on another CPU can say the model was not made for it.
        boolean vnni = CpuFeatures.hasVnni();
        int weightBits = vnni ? 8 : 7;
        OnnxMl.ModelProto int8 = Int8Quantizer.quantize(folded, ranges,
                vnni ? Int8Quantizer.WEIGHT_MAX_8_BITS : Int8Quantizer.WEIGHT_MAX_7_BITS).toBuilder()
                .addMetadataProps(entry(ModelContract.INT8_WEIGHT_BITS_KEY, String.valueOf(weightBits)))
                .addMetadataProps(entry("int8.calibration", photos.size() + " photos of " + photoDir.getFileName()
                        + ", activation ranges at the " + PERCENTILE * 100 + " percentile"))
                .addMetadataProps(entry("int8.exported.on", CpuFeatures.modelName() + (vnni ? " (VNNI)" : " (no VNNI)")))
                .build();
        System.out.printf(Locale.ROOT, "    quantized: uint8 activations, %d-bit per-channel weights (%s)%n", weightBits,
                vnni ? "this CPU has VNNI" : "this CPU has no VNNI: 7 bits keep ONNX Runtime's AVX2 kernels from overflowing");
        Path parent = output.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(output), 1 << 20)) {
            int8.writeTo(out);
        }
        Map<String, Integer> fused = fusedOps(output);
        System.out.printf(Locale.ROOT, "    ONNX Runtime runs it as: %s%n", fused);
        // Every quantized Conv and Add must have become an int8 kernel: a QDQ pair that ONNX Runtime
        // did not fuse would run in fp32 and only cost time.
        int convs = Int8Quantizer.quantizedOps(int8, "Conv");
        int adds = Int8Quantizer.quantizedOps(int8, "Add");
        if (fused.getOrDefault("QLinearConv", 0) != convs || fused.getOrDefault("QLinearAdd", 0) != adds) {
            throw new IllegalStateException("ONNX Runtime fused " + fused.getOrDefault("QLinearConv", 0) + " of "
                    + convs + " quantized Convs and " + fused.getOrDefault("QLinearAdd", 0) + " of " + adds + " Adds");
        }
        System.out.printf(Locale.ROOT, "    wrote %s: %,d bytes (%.1f MB) in %.1f s%n",
                output, Files.size(output), Files.size(output) / 1e6, seconds(t0));
    }

    /**
     * The op types of the graph ONNX Runtime runs, with their counts: after the graph rewrites that
     * fuse QDQ groups (level "extended"), before the layout changes of level "all", which depend on
     * the CPU.
     */
    static Map<String, Integer> fusedOps(Path model) throws IOException, OrtException {
        Path optimized = Files.createTempFile("resnet50-int8-optimized", ".onnx");
        try {
            try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
                options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.EXTENDED_OPT);
                options.setOptimizedModelFilePath(optimized.toString());
                OrtEnvironment.getEnvironment().createSession(model.toString(), options).close();
            }
            OnnxMl.ModelProto graph;
            try (InputStream in = Files.newInputStream(optimized)) {
                graph = OnnxMl.ModelProto.parseFrom(in);
            }
            Map<String, Integer> counts = new TreeMap<>();
            graph.getGraph().getNodeList().forEach(n -> counts.merge(n.getOpType(), 1, Integer::sum));
            return counts;
        } finally {
            Files.deleteIfExists(optimized);
        }
    }

    private static double maxAbsDiff(byte[] a, byte[] b, List<FloatBuffer> inputs) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        double max = 0;
        try (OrtSession sa = env.createSession(a); OrtSession sb = env.createSession(b)) {
            for (FloatBuffer input : inputs) {
                float[] pa = run(env, sa, input);
                float[] pb = run(env, sb, input);
                for (int i = 0; i < pa.length; i++) {
                    max = Math.max(max, Math.abs(pa[i] - pb[i]));
                }
            }
        }
        return max;
    }

    /** The probabilities for one input. */
    static float[] run(OrtEnvironment env, OrtSession session, FloatBuffer input) throws OrtException {
        try (OnnxTensor tensor = OnnxTensor.createTensor(env, input.duplicate(), INPUT_SHAPE);
             OrtSession.Result result = session.run(Map.of(ModelContract.INPUT_NAME, tensor))) {
            return ((float[][]) result.get(0).getValue())[0];
        }
    }

    private static OnnxMl.StringStringEntryProto entry(String key, String value) {
        return OnnxMl.StringStringEntryProto.newBuilder().setKey(key).setValue(value).build();
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
