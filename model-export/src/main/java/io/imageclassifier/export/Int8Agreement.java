package io.imageclassifier.export;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import io.imageclassifier.protocol.ModelContract;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How far the int8 model's answers are from the fp32 model's, photo by photo: whether the top-1
 * label agrees, whether fp32's top-1 is among int8's five, and how much the top-1 probability
 * moved. Exits 1 when the agreement is below the thresholds the README promises.
 *
 * <p>Usage: {@code Int8Agreement <fp32.onnx> <int8.onnx> <labels.json> <photo-dir>...}
 */
public final class Int8Agreement {

    /**
     * Share of photos whose top-1 must agree: with 8-bit weights (exported on a CPU with VNNI),
     * and with 7-bit weights (elsewhere; measured 25 of 27 here, where 8 bits gave 27 of 27).
     */
    static final double MIN_TOP1_AGREEMENT_8_BITS = 0.97;
    static final double MIN_TOP1_AGREEMENT_7_BITS = 0.88;
    /** Share of photos whose fp32 top-1 must be among int8's top 5. */
    static final double MIN_TOP5_CONTAINMENT = 0.99;

    record Judged(String photo, int fp32Top1, float fp32P, int int8Top1, float int8P, boolean inTop5, float deltaP) {
        boolean agrees() {
            return fp32Top1 == int8Top1;
        }
    }

    private Int8Agreement() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 4) {
            System.err.println("usage: Int8Agreement <fp32.onnx> <int8.onnx> <labels.json> <photo-dir>...");
            System.exit(2);
        }
        JsonElement labels = JsonParser.parseString(Files.readString(Path.of(args[2]), StandardCharsets.UTF_8));
        List<Path> photos = new ArrayList<>();
        for (int i = 3; i < args.length; i++) {
            photos.addAll(ModelPhotos.in(Path.of(args[i])));
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        List<Judged> judged = new ArrayList<>();
        String weightBits;
        try (OrtSession fp32 = env.createSession(args[0]); OrtSession int8 = env.createSession(args[1])) {
            weightBits = int8.getMetadata().getCustomMetadata().getOrDefault(ModelContract.INT8_WEIGHT_BITS_KEY, "?");
            for (Path photo : photos) {
                var input = ModelPhotos.input(photo);
                judged.add(judge(photo.getFileName().toString(), Int8Exporter.run(env, fp32, input),
                        Int8Exporter.run(env, int8, input)));
            }
        }
        System.out.printf(Locale.ROOT, "    %-24s %-24s %-24s %-6s %-14s %s%n", "photo", "fp32 top-1", "int8 top-1",
                "agree", "fp32 in top-5", "|Δp| top-1");
        for (Judged j : judged) {
            System.out.printf(Locale.ROOT, "    %-24s %-24s %-24s %-6s %-14s %.3f%n", j.photo(),
                    label(labels, j.fp32Top1()) + String.format(Locale.ROOT, " %.3f", j.fp32P()),
                    label(labels, j.int8Top1()) + String.format(Locale.ROOT, " %.3f", j.int8P()),
                    j.agrees() ? "yes" : "NO", j.inTop5() ? "yes" : "NO", j.deltaP());
        }
        long agree = judged.stream().filter(Judged::agrees).count();
        long inTop5 = judged.stream().filter(Judged::inTop5).count();
        double meanDelta = judged.stream().mapToDouble(Judged::deltaP).average().orElse(0);
        double maxDelta = judged.stream().mapToDouble(Judged::deltaP).max().orElse(0);
        System.out.printf(Locale.ROOT, "    top-1 agreement %d/%d (%.1f %%), fp32 top-1 in int8 top-5 %d/%d (%.1f %%),"
                        + " |Δp| of the top-1 mean %.3f max %.3f%n", agree, judged.size(), 100.0 * agree / judged.size(),
                inTop5, judged.size(), 100.0 * inTop5 / judged.size(), meanDelta, maxDelta);
        double minTop1 = weightBits.equals("8") ? MIN_TOP1_AGREEMENT_8_BITS : MIN_TOP1_AGREEMENT_7_BITS;
        boolean ok = agree >= Math.ceil(minTop1 * judged.size())
                && inTop5 >= Math.ceil(MIN_TOP5_CONTAINMENT * judged.size());
        if (!ok) {
            System.err.printf(Locale.ROOT, "error: the int8 model (%s-bit weights) agrees with fp32 less than promised"
                    + " (top-1 >= %.0f %%, top-5 >= %.0f %%)%n", weightBits, minTop1 * 100, MIN_TOP5_CONTAINMENT * 100);
            System.exit(1);
        }
        System.out.printf(Locale.ROOT, "    int8 (%s-bit weights) agrees with fp32 as promised: top-1 >= %.0f %%,"
                + " top-5 >= %.0f %%%n", weightBits, minTop1 * 100, MIN_TOP5_CONTAINMENT * 100);
    }

    static Judged judge(String photo, float[] fp32, float[] int8) {
        int f = ExportVerifier.argmax(fp32, 0, fp32.length);
        int q = ExportVerifier.argmax(int8, 0, int8.length);
        int higher = 0;
        for (float p : int8) {
            if (p > int8[f]) {
                higher++;
            }
        }
        return new Judged(photo, f, fp32[f], q, int8[q], higher < 5, Math.abs(fp32[f] - int8[f]));
    }

    private static String label(JsonElement labels, int index) {
        JsonElement e = labels.isJsonArray() ? labels.getAsJsonArray().get(index)
                : labels.getAsJsonObject().get(String.valueOf(index));
        return e == null ? String.valueOf(index) : e.getAsString();
    }
}
