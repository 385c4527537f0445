package io.imageclassifier.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The output side of a run, from made-up figures: CSV, JSON and the chart. No network, no model. */
class BenchReportTest {

    @BeforeAll
    static void headless() {
        System.setProperty("java.awt.headless", "true");
    }

    private static BenchResults.Load level(int clients, double rps, double p50, double p99, Map<Integer, Long> histogram) {
        long batches = histogram.values().stream().mapToLong(Long::longValue).sum();
        long images = histogram.entrySet().stream().mapToLong(e -> e.getKey() * e.getValue()).sum();
        Map<Integer, Double> ms = new TreeMap<>();
        histogram.keySet().forEach(n -> ms.put(n, 20.0 * n));
        return new BenchResults.Load("clients=" + clients, clients, Double.NaN, 15, 100, 99, 1,
                Map.of("HTTP 504 (no model daemon answered)", 1), rps,
                new Stats.Summary(99, p50 / 2, p50, p99 * 0.9, p99, p99 * 1.1, p50), new BenchResults.Batches(batches,
                images, (double) images / batches, 40, new TreeMap<>(histogram), ms, false), 95.0, rps / 50 * 100,
                cpu(30, 60, 5, 1, 3));
    }

    private static Map<String, Double> cpu(double daemon, double tomcat, double apache, double redis, double client) {
        Map<String, Double> ms = new java.util.LinkedHashMap<>();
        ms.put("daemon", daemon);
        ms.put("tomcat", tomcat);
        ms.put("apache", apache);
        ms.put("redis", redis);
        ms.put("client", client);
        ms.put("total", daemon + tomcat + apache + redis + client);
        return ms;
    }

    static BenchResults sample() {
        BenchResults r = new BenchResults();
        r.ceiling = new BenchResults.Ceiling("CPU", 2, "/m.onnx", List.of(
                CeilingBench.Row.of(1, 30, 25, 24, 27),
                CeilingBench.Row.of(2, 20, 45, 44, 47),
                CeilingBench.Row.of(4, 10, 85, 84, 90),
                CeilingBench.Row.of(8, 5, 160, 158, 170)), 8, 50, 25, "fp32");
        r.light = new BenchResults.Light(level(1, 20, 50, 80, Map.of(1, 100L)), 25, 26, 24,
                new StageTimes.Means(1.5, 7.0, 38.0));
        r.sweep.add(level(1, 20, 50, 80, Map.of(1, 300L)));
        r.sweep.add(level(4, 32, 120, 200, Map.of(1, 40L, 2, 60L, 3, 70L, 4, 20L)));
        r.sweep.add(level(16, 38, 420, 700, Map.of(2, 10L, 5, 40L, 8, 30L, 11, 5L)));
        r.stress = new BenchResults.Stress(500, 0.05, level(0, 19.8, 60, 300, Map.of(1, 300L, 2, 100L)), 12);
        return r;
    }

    @Test
    void csvHasOneLineAFigureForEveryPhase() {
        BenchResults r = sample();
        String csv = BenchCsv.of(r).render();
        assertTrue(csv.startsWith(ResultsCsv.HEADER + "\n"));
        assertTrue(csv.contains("\nceiling,batch=8,images_per_s,50,1/s\n"), csv);
        assertTrue(csv.contains("\nlight,clients=1,overhead_ms,25,ms\n"));
        assertTrue(csv.contains("\nlight,clients=1,preprocess_mean_ms,7,ms\n"), csv);
        assertTrue(csv.contains("\nsweep,clients=16,throughput_per_s,38,1/s\n"));
        assertTrue(csv.contains("\nsweep,clients=4,batches_of_size_3,70,\n"));
        assertTrue(csv.contains("\nstress,\"count=500,interval=0.05\",ok,99,\n"));
        assertTrue(csv.contains("\nsweep,clients=4,cpu_ms_per_request_tomcat,60,ms\n"));
        for (String line : csv.split("\n")) {
            assertEquals(5, line.replaceAll("\"[^\"]*\"", "q").split(",", -1).length, line);
        }
    }

    @Test
    void jsonWritesUnmeasuredFiguresAsNull() {
        BenchResults r = sample();
        r.light = new BenchResults.Light(r.light.load(), Double.NaN, Double.NaN, Double.NaN, StageTimes.Means.UNKNOWN);
        JsonObject json = JsonParser.parseString(r.toJson()).getAsJsonObject();
        assertTrue(json.getAsJsonObject("light").get("overheadMs").isJsonNull());
        assertEquals(50, json.getAsJsonObject("ceiling").get("bestImagesPerSecond").getAsDouble());
        assertEquals(40, json.getAsJsonObject("ceiling").getAsJsonArray("rows").get(0).getAsJsonObject()
                .get("imagesPerSecond").getAsDouble(), 1e-9);
        assertEquals(3, json.getAsJsonArray("sweep").size());
        assertEquals(70, json.getAsJsonArray("sweep").get(1).getAsJsonObject().getAsJsonObject("batches")
                .getAsJsonObject("histogram").get("3").getAsInt());
        assertTrue(json.getAsJsonArray("sweep").get(0).getAsJsonObject().get("offeredPerSecond").isJsonNull());
    }

    @Test
    void chartIsASixPanelPng(@TempDir Path dir) throws IOException {
        Path png = dir.resolve("bench.png");
        Charts.write(sample(), png);
        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(2 * Charts.PANEL_WIDTH, image.getWidth());
        assertEquals(3 * Charts.PANEL_HEIGHT, image.getHeight());
    }

    @Test
    void resultsReadBackFromJsonRedrawTheSameChart(@TempDir Path dir) throws IOException {
        BenchResults r = sample();
        BenchResults back = BenchResults.gson().fromJson(r.toJson(), BenchResults.class);
        assertEquals(r.sweep.get(1).batches().histogram(), back.sweep.get(1).batches().histogram());
        assertEquals(r.ceiling.rows(), back.ceiling.rows());
        assertTrue(Double.isNaN(back.sweep.get(0).offeredPerSecond()), "null reads back as NaN");
        Charts.write(back, dir.resolve("again.png"));
        assertEquals(2 * Charts.PANEL_WIDTH, ImageIO.read(dir.resolve("again.png").toFile()).getWidth());
    }

    @Test
    void chartOfARunWithoutTheSweepStillDraws(@TempDir Path dir) throws IOException {
        BenchResults r = new BenchResults();
        Charts.write(r, dir.resolve("empty.png"));
        assertTrue(ImageIO.read(dir.resolve("empty.png").toFile()).getWidth() > 0);
    }

    @Test
    void writeLeavesJsonCsvAndChartAndCountsThemInTheSummary(@TempDir Path dir) throws IOException {
        BenchResults r = sample();
        r.summary = r.summarize();
        new BenchReport(r, dir, new Console(r)).write();
        assertTrue(java.nio.file.Files.readString(dir.resolve("results.csv")).contains("\nsummary,,stress_ok,99,\n"));
        assertEquals(3, JsonParser.parseString(java.nio.file.Files.readString(dir.resolve("results.json")))
                .getAsJsonObject().getAsJsonArray("files").size());
        assertEquals(2 * Charts.PANEL_WIDTH, ImageIO.read(dir.resolve("bench.png").toFile()).getWidth());
        assertTrue(r.errors.isEmpty(), r.errors::toString);
    }

    @Test
    void summaryGivesEachPhaseThatRanOneLine(@TempDir Path dir) {
        BenchResults r = sample();
        r.summary = r.summarize();
        List<String> lines = new BenchReport(r, dir, new Console(r)).summaryLines();
        assertTrue(lines.contains("saturation:   38.0 req/s at 16 clients = 76.0 % of the ceiling (300 requests, 3 failed);"
                + " the daemon had 30.3 % of the stack's CPU"),
                lines::toString);
        assertTrue(lines.contains("stress:       99 OK, 1 failed of 500; p50 60.0 ms, p99 300.0 ms, max 330.0 ms"),
                lines::toString);
        assertTrue(lines.stream().noneMatch(l -> l.startsWith("soak:")), "no soak ran");
    }

    @Test
    void histogramTextListsSizeAndCount() {
        assertEquals("1 x300, 2 x100", ResultTables.histogram(new TreeMap<>(Map.of(2, 100L, 1, 300L))));
    }
}
