package io.imageclassifier.bench;

import ai.onnxruntime.OrtException;
import io.imageclassifier.daemon.OnnxClassifier;
import io.imageclassifier.protocol.ScaledRgb;
import io.imageclassifier.protocol.Settings;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import javax.imageio.ImageIO;

/**
 * The ceiling: bare ONNX Runtime in this process, through the daemon's own {@link OnnxClassifier}
 * with the daemon's settings (model, device, threads), timed per batch size. The time of a batch
 * is what the daemon logs as "inference X ms": preprocessing plus the ONNX Runtime call.
 */
public final class CeilingBench {

    /**
     * One batch size: median, min and p90 ms per batch over {@code runs} timed runs after warm-up;
     * {@code otherCpuPercent}: the CPU other processes used meanwhile, in % of all cores.
     */
    public record Row(int batch, int runs, double medianMs, double minMs, double p90Ms, double msPerImage,
                      double imagesPerSecond, double otherCpuPercent) {

        public static Row of(int batch, int runs, double medianMs, double minMs, double p90Ms) {
            return of(batch, runs, medianMs, minMs, p90Ms, Double.NaN);
        }

        public static Row of(int batch, int runs, double medianMs, double minMs, double p90Ms, double otherCpuPercent) {
            return new Row(batch, runs, medianMs, minMs, p90Ms, medianMs / batch, batch * 1000.0 / medianMs,
                    otherCpuPercent);
        }
    }

    /** How many runs per batch size: warm-up, then at least minRuns and at most maxRuns, until targetSeconds. */
    public record Plan(int warmupRuns, int minRuns, int maxRuns, double targetSeconds) {
    }

    public record Result(String device, int threads, String modelPath, List<Row> rows) {

        public Row best() {
            return rows.stream().max((a, b) -> Double.compare(a.imagesPerSecond(), b.imagesPerSecond())).orElse(null);
        }

        public Row forBatch(int batch) {
            return rows.stream().filter(r -> r.batch() == batch).findFirst().orElse(null);
        }
    }

    private CeilingBench() {
    }

    public static Result run(Settings settings, List<Integer> batchSizes, Plan plan, List<Path> photos,
                             Consumer<String> progress) throws OrtException, IOException {
        int maxBatch = batchSizes.stream().mapToInt(Integer::intValue).max().orElse(1);
        int threads = settings.modelThreads() > 0 ? settings.modelThreads() : Runtime.getRuntime().availableProcessors();
        progress.accept("loading " + settings.servedModelPath() + " (device " + settings.modelDevice() + ", "
                + threads + " intra-op threads" + (settings.modelThreads() > 0 ? "" : ", model.threads=0: one per core")
                + ")");
        List<byte[]> images = images(photos, settings.imageWidth(), settings.imageHeight(), maxBatch);
        List<Row> rows = new ArrayList<>();
        try (OnnxClassifier classifier = new OnnxClassifier(settings.servedModelPath(), settings.modelDevice(),
                settings.modelThreads(), maxBatch, settings.imageWidth(), settings.imageHeight())) {
            for (int batch : batchSizes) {
                List<byte[]> input = images.subList(0, batch);
                for (int i = 0; i < plan.warmupRuns(); i++) {
                    classifier.classify(input);
                }
                List<Double> ms = new ArrayList<>();
                CpuMeter cpu = CpuMeter.start();
                long began = System.nanoTime();
                while (ms.size() < plan.maxRuns()
                        && (ms.size() < plan.minRuns() || (System.nanoTime() - began) / 1e9 < plan.targetSeconds())) {
                    long t = System.nanoTime();
                    classifier.classify(input);
                    ms.add((System.nanoTime() - t) / 1e6);
                }
                CpuMeter.Usage usage = cpu.stop();
                double[] values = ms.stream().mapToDouble(Double::doubleValue).toArray();
                Stats.Summary s = Stats.summarize(values);
                Row row = Row.of(batch, values.length, Stats.median(values), s.min(), s.p90(), usage.otherPercent());
                rows.add(row);
                progress.accept(String.format("batch %2d: %8.1f ms per batch (median of %d, min %.1f), %6.1f img/s;"
                                + " other processes used %s %% of the CPU meanwhile", batch, row.medianMs(), row.runs(),
                        row.minMs(), row.imagesPerSecond(), TextTable.format(usage.otherPercent(), 0)));
            }
            return new Result(classifier.device(), threads, settings.servedModelPath().toString(), rows);
        }
    }

    /** {@code count} model inputs (RGB, width x height) cycled from the photos, or noise when there are none. */
    static List<byte[]> images(List<Path> photos, int width, int height, int count) throws IOException {
        List<byte[]> distinct = new ArrayList<>();
        for (Path photo : photos) {
            BufferedImage image = ImageIO.read(photo.toFile());
            if (image != null) {
                distinct.add(rgb(image, width, height));
            }
        }
        if (distinct.isEmpty()) {
            Random random = new Random(42);
            byte[] noise = new byte[width * height * 3];
            random.nextBytes(noise);
            distinct.add(noise);
        }
        List<byte[]> images = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            images.add(distinct.get(i % distinct.size()));
        }
        return images;
    }

    /** The image squeezed to width x height (the timing does not depend on how), as interleaved RGB. */
    static byte[] rgb(BufferedImage image, int width, int height) {
        return ScaledRgb.of(image, width, height);
    }
}
