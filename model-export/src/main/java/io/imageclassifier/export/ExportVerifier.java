package io.imageclassifier.export;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.imageclassifier.protocol.ModelContract;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Checks the exported ONNX model against the original TF.js model: runs it in ONNX Runtime on the
 * inputs that {@code model-daemon/verify/reference.js} fed to tfjs, and compares the probabilities.
 *
 * <p>Usage: {@code ExportVerifier <model.onnx> <reference-dir> [labels.json]}
 *
 * <p>The reference dir holds {@code reference.json}, the inputs and the tfjs outputs (float32
 * little-endian). Each input is run twice through ONNX Runtime, in one batch with all the others
 * and alone (batch 1), and both results are compared with tfjs'. Exit status 0 only if every
 * probability is within {@value #TOLERANCE} of tfjs' and every top-1 class agrees; 1 otherwise.
 */
public final class ExportVerifier {

    /** Largest acceptable absolute difference of any output probability. */
    public static final double TOLERANCE = 1e-4;

    private ExportVerifier() {
    }

    /** One comparison result, for one input and one way of running it. */
    record Comparison(String input, String run, double maxAbsDiff, int tfjsTop1, float tfjsP, int onnxTop1, float onnxP) {
        boolean passed() {
            return maxAbsDiff <= TOLERANCE && tfjsTop1 == onnxTop1;
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2 || args.length > 3) {
            System.err.println("usage: ExportVerifier <model.onnx> <reference-dir> [labels.json]");
            System.exit(2);
        }
        Path onnxPath = Path.of(args[0]);
        Path referenceDir = Path.of(args[1]);
        JsonObject labels = args.length == 3
                ? JsonParser.parseString(Files.readString(Path.of(args[2]), StandardCharsets.UTF_8)).getAsJsonObject()
                : new JsonObject();

        JsonObject reference = JsonParser.parseString(
                Files.readString(referenceDir.resolve("reference.json"), StandardCharsets.UTF_8)).getAsJsonObject();
        List<String> names = new ArrayList<>();
        for (JsonElement e : reference.getAsJsonArray("names")) {
            names.add(e.getAsString());
        }
        long[] imageShape = longs(reference.getAsJsonArray("inputShape"));
        int classes = reference.get("classes").getAsInt();
        int count = names.size();
        int imageSize = (int) (imageShape[0] * imageShape[1] * imageShape[2]);
        float[] inputs = readFloats(referenceDir.resolve(reference.get("inputsFile").getAsString()), count * imageSize);
        float[] expected = readFloats(referenceDir.resolve(reference.get("outputsFile").getAsString()), count * classes);

        List<Comparison> results = new ArrayList<>();
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            long t0 = System.nanoTime();
            try (OrtSession session = env.createSession(onnxPath.toString(), options)) {
                System.out.printf(Locale.ROOT, "    ONNX Runtime %s: loaded %s in %.1f s%n",
                        env.getVersion(), onnxPath, (System.nanoTime() - t0) / 1e9);
                checkSignature(session, imageShape, classes);

                // All inputs in one batch: also exercises the symbolic batch dimension.
                float[] batched = run(env, session, inputs, count, imageShape);
                for (int i = 0; i < count; i++) {
                    results.add(compare(names.get(i), "batch-" + count, expected, batched, i, classes));
                }
                // Each input alone, timed: batch-1 latency is what an idle daemon serves at.
                long[] millis = new long[count];
                for (int i = 0; i < count; i++) {
                    float[] one = Arrays.copyOfRange(inputs, i * imageSize, (i + 1) * imageSize);
                    long s = System.nanoTime();
                    float[] out = run(env, session, one, 1, imageShape);
                    millis[i] = (System.nanoTime() - s) / 1_000_000;
                    results.add(compare(names.get(i), "batch-1", shift(expected, i, classes), out, 0, classes));
                }
                System.out.printf(Locale.ROOT, "    ONNX Runtime batch-1 latency (ms, first run includes warm-up): %s%n",
                        Arrays.toString(millis));
            }
        }

        double worst = 0;
        boolean ok = true;
        System.out.printf(Locale.ROOT, "    %-16s %-8s %12s  %-34s %-34s%n", "input", "run", "max|diff|",
                "tfjs top-1", "onnx top-1");
        for (Comparison c : results) {
            worst = Math.max(worst, c.maxAbsDiff());
            ok &= c.passed();
            System.out.printf(Locale.ROOT, "    %-16s %-8s %12.3e  %-34s %-34s%s%n", c.input(), c.run(), c.maxAbsDiff(),
                    top(c.tfjsTop1(), c.tfjsP(), labels), top(c.onnxTop1(), c.onnxP(), labels),
                    c.passed() ? "" : "  <-- MISMATCH");
        }
        System.out.printf(Locale.ROOT, "    max abs difference over all outputs: %.3e (tolerance %.0e)%n", worst, TOLERANCE);
        if (!ok) {
            System.out.println("FAILED: the ONNX model does not reproduce the TF.js model");
            System.exit(1);
        }
        System.out.println("    OK: the ONNX model reproduces the TF.js model");
    }

    /** The session must have the daemon's contract: one NHWC input and one [N, classes] output, by name. */
    private static void checkSignature(OrtSession session, long[] imageShape, int classes) throws OrtException {
        Map<String, NodeInfo> in = session.getInputInfo();
        Map<String, NodeInfo> out = session.getOutputInfo();
        if (in.size() != 1 || !in.containsKey(ModelContract.INPUT_NAME)
                || out.size() != 1 || !out.containsKey(ModelContract.OUTPUT_NAME)) {
            throw new IllegalStateException("unexpected model signature: inputs " + in.keySet() + ", outputs " + out.keySet());
        }
        long[] inShape = ((TensorInfo) in.get(ModelContract.INPUT_NAME).getInfo()).getShape();
        long[] outShape = ((TensorInfo) out.get(ModelContract.OUTPUT_NAME).getInfo()).getShape();
        long[] wantIn = {-1, imageShape[0], imageShape[1], imageShape[2]};
        if (!Arrays.equals(inShape, wantIn) || !Arrays.equals(outShape, new long[] {-1, classes})) {
            throw new IllegalStateException("unexpected shapes: input " + Arrays.toString(inShape) + ", output "
                    + Arrays.toString(outShape));
        }
    }

    private static float[] run(OrtEnvironment env, OrtSession session, float[] data, int batch, long[] imageShape)
            throws OrtException {
        long[] shape = {batch, imageShape[0], imageShape[1], imageShape[2]};
        try (OnnxTensor tensor = OnnxTensor.createTensor(env, FloatBuffer.wrap(data), shape);
                OrtSession.Result result = session.run(Map.of(ModelContract.INPUT_NAME, tensor))) {
            OnnxTensor out = (OnnxTensor) result.get(ModelContract.OUTPUT_NAME).orElseThrow();
            FloatBuffer buffer = out.getFloatBuffer();
            float[] values = new float[buffer.remaining()];
            buffer.get(values);
            return values;
        }
    }

    static Comparison compare(String input, String run, float[] expected, float[] actual, int row, int classes) {
        double maxDiff = 0;
        int base = row * classes;
        for (int k = 0; k < classes; k++) {
            float a = actual[base + k];
            float e = expected[base + k];
            // NaN never compares within tolerance: an exported graph that produces NaN must fail.
            double d = Float.isNaN(a) || Float.isNaN(e) ? Double.POSITIVE_INFINITY : Math.abs((double) a - e);
            maxDiff = Math.max(maxDiff, d);
        }
        int te = argmax(expected, base, classes);
        int ta = argmax(actual, base, classes);
        return new Comparison(input, run, maxDiff, te, expected[base + te], ta, actual[base + ta]);
    }

    private static float[] shift(float[] all, int row, int classes) {
        return Arrays.copyOfRange(all, row * classes, (row + 1) * classes);
    }

    /** The index (from {@code offset}) of the largest of {@code length} values: a row's top-1 class. */
    static int argmax(float[] values, int offset, int length) {
        int best = 0;
        for (int k = 1; k < length; k++) {
            if (values[offset + k] > values[offset + best]) {
                best = k;
            }
        }
        return best;
    }

    private static String top(int index, float p, JsonObject labels) {
        JsonElement label = labels.get(Integer.toString(index));
        return String.format(Locale.ROOT, "%d %s (p=%.4f)", index, label == null ? "" : label.getAsString(), p);
    }

    private static float[] readFloats(Path file, int expectedCount) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        if (bytes.length != expectedCount * 4L) {
            throw new IllegalStateException(file + " has " + bytes.length + " bytes, expected " + expectedCount * 4L);
        }
        float[] values = new float[expectedCount];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
        return values;
    }

    private static long[] longs(JsonArray array) {
        long[] out = new long[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).getAsLong();
        }
        return out;
    }
}
