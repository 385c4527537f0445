package io.imageclassifier.bench;

import static io.imageclassifier.bench.Figures.f1;
import static io.imageclassifier.bench.Figures.f2;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The end of a run: results.json, results.csv and bench.png in the output directory, then every
 * phase's table and a summary on the console.
 */
final class BenchReport {

    private final BenchResults results;
    private final Path outDir;
    private final Console console;

    BenchReport(BenchResults results, Path outDir, Console console) {
        this.results = results;
        this.outDir = outDir;
        this.console = console;
    }

    /** Writes the files and prints the results; a chart that cannot be drawn is a problem of the run. */
    void write() throws IOException {
        results.files.add(outDir.resolve("results.json").toString());
        results.files.add(outDir.resolve("results.csv").toString());
        Path chart = outDir.resolve("bench.png");
        try {
            List<String> lines = new ArrayList<>(summaryLines());
            lines.removeIf(l -> l.startsWith("files:"));
            Charts.write(results, chart, lines);
            results.files.add(chart.toString());
        } catch (RuntimeException | IOException | Error e) {
            console.problem("the chart could not be drawn: " + e);
        }
        Files.writeString(outDir.resolve("results.csv"), BenchCsv.of(results).render(), StandardCharsets.UTF_8);
        Files.writeString(outDir.resolve("results.json"), results.toJson() + "\n", StandardCharsets.UTF_8);
        printTables();
        console.section("Summary");
        for (String line : summaryLines()) {
            console.info(line);
        }
    }

    private void printTables() {
        console.section("Results");
        if (results.ceiling != null) {
            console.info("Ceiling (bare ONNX Runtime, " + results.ceiling.device() + ", " + results.ceiling.threads()
                    + " intra-op threads, " + results.ceiling.precision() + "):");
            console.table(ResultTables.ceiling(results.ceiling));
        }
        for (BenchResults.Ceiling other : results.otherCeilings) {
            titled("Ceiling, " + other.precision() + " (" + other.model() + "):", ResultTables.ceiling(other));
        }
        if (results.light != null) {
            titled("Light load (one request at a time):", ResultTables.light(results));
        }
        if (!results.sweep.isEmpty()) {
            titled("Saturation sweep (closed loop):", ResultTables.sweep(results));
        }
        if (results.stress != null) {
            titled("Stress (" + results.stress.count() + " requests " + results.stress.intervalSeconds()
                    + " s apart):", ResultTables.stress(results));
        }
        TextTable cpu = ResultTables.cpu(results);
        if (cpu.size() > 0) {
            titled("CPU per request by part of the stack (ms of CPU time, from /proc; busy % of "
                    + Runtime.getRuntime().availableProcessors() + " cores):", cpu);
        }
        if (results.soak != null) {
            titled("Soak (" + f1(results.soak.ratePerSecond()) + " req/s for " + f1(results.soak.minutes())
                    + " min):", ResultTables.soak(results));
            console.info(ResultTables.soakLoad(results.soak.load()));
        }
    }

    private void titled(String title, TextTable table) {
        console.blankLine();
        console.info(title);
        console.table(table);
    }

    /** The run in a few lines: on the console and in the chart's text panel. */
    List<String> summaryLines() {
        List<String> lines = new ArrayList<>();
        BenchResults.Summary s = results.summary;
        if (results.ceiling != null) {
            lines.add(String.format("ceiling:      %s img/s at batch %d (bare ONNX Runtime, %s, %d threads); batch 1: %s ms",
                    f1(s.ceilingBestImagesPerSecond()), s.ceilingBestBatch(), results.ceiling.device(),
                    results.ceiling.threads(), f1(s.ceilingBatch1Ms())) + " (" + results.ceiling.precision() + ")");
            for (BenchResults.Ceiling other : results.otherCeilings) {
                lines.add(String.format("ceiling %s: %s img/s at batch %d = %s x %s; batch 1: %s ms = %s x faster",
                        other.precision(), f1(other.bestImagesPerSecond()), other.bestBatch(),
                        f2(other.bestImagesPerSecond() / results.ceiling.bestImagesPerSecond()), results.ceiling.precision(),
                        f1(other.batch1Ms()), f2(results.ceiling.batch1Ms() / other.batch1Ms())));
            }
        }
        if (results.light != null) {
            BenchResults.Load l = results.light.load();
            lines.add(String.format("light load:   p50 %s ms, p99 %s ms (%d requests, %d failed); overhead over bare "
                            + "batch 1: %s ms", f1(s.lightP50Ms()), f1(s.lightP99Ms()), l.requests(), l.failed(),
                    f1(s.lightOverheadMs())));
        }
        if (!results.sweep.isEmpty()) {
            int failed = results.sweep.stream().mapToInt(BenchResults.Load::failed).sum();
            int requests = results.sweep.stream().mapToInt(BenchResults.Load::requests).sum();
            lines.add(String.format("saturation:   %s req/s at %d clients = %s %% of the ceiling (%d requests, %d failed)",
                    f1(s.saturationThroughputPerSecond()), s.saturationClients(), f1(s.saturationPercentOfCeiling()),
                    requests, failed) + daemonCpuShare(results.saturation()));
        }
        if (results.stress != null) {
            lines.add(String.format("stress:       %d OK, %d failed of %d; p50 %s ms, p99 %s ms, max %s ms",
                    s.stressOk(), s.stressFailed(), results.stress.count(), f1(s.stressP50Ms()), f1(s.stressP99Ms()),
                    f1(s.stressMaxMs())));
        }
        if (results.soak != null) {
            BenchResults.Soak k = results.soak;
            lines.add(String.format("soak:         %s min at %s req/s, %d failed; daemon RSS %s -> %s MB (%s %%), "
                            + "Tomcat heap after GC %s -> %s MB (%s %%)", f1(k.minutes()), f1(k.ratePerSecond()),
                    k.load().failed(), f1(k.start().daemonRssMb()), f1(k.end().daemonRssMb()),
                    f1(k.daemonRssGrowthPercent()), f1(k.start().tomcatHeapAfterGcMb()),
                    f1(k.end().tomcatHeapAfterGcMb()), f1(k.tomcatHeapAfterGcGrowthPercent())));
        }
        if (results.chaos != null) {
            lines.add("chaos:        " + ResultTables.chaosTotals(results.chaos) + "; other: "
                    + (results.chaos.otherReasons().isEmpty() ? "none" : results.chaos.otherReasons()));
        }
        if (results.light != null && results.light.load().cpuMsPerRequest() != null) {
            BenchResults.Load top = results.saturation();
            lines.add("web/daemon:   " + webToDaemonCpu("light load", results.light.load())
                    + (top == null ? "" : "; " + webToDaemonCpu("saturation", top)));
        }
        lines.add("machine:      " + results.cpuModel + ", " + Runtime.getRuntime().availableProcessors() + " cores");
        lines.add("phases (s):   " + results.phaseSeconds + ", total " + f1(results.totalSeconds) + " s");
        lines.add("files:        " + String.join(", ", results.files.stream()
                .map(f -> Path.of(f).getFileName().toString()).toList()) + " in " + outDir);
        for (String n : results.notes) {
            lines.add("note:         " + n);
        }
        for (String e : results.errors) {
            lines.add("PROBLEM:      " + e);
        }
        return lines;
    }

    /**
     * The daemon's share of the CPU the whole stack (this client included) spent per request. Where
     * they share the cores, the model gets no more than this share of them, so saturation stays
     * below about this share of the ceiling, however well the web tier keeps the queue fed.
     */
    private static String daemonCpuShare(BenchResults.Load l) {
        Map<String, Double> cpu = l == null ? null : l.cpuMsPerRequest();
        Double daemon = cpu == null ? null : cpu.get("daemon");
        Double total = cpu == null ? null : cpu.get("total");
        if (daemon == null || total == null || !(total > 0) || !Double.isFinite(daemon)) {
            return "";
        }
        return String.format("; the daemon had %s %% of the stack's CPU", f1(100 * daemon / total));
    }

    /** The web tier's CPU per request next to the daemon's, and their ratio: how decode-bound the service is. */
    private static String webToDaemonCpu(String load, BenchResults.Load l) {
        Double tomcat = l.cpuMsPerRequest().get("tomcat");
        Double daemon = l.cpuMsPerRequest().get("daemon");
        if (tomcat == null || daemon == null || daemon == 0) {
            return load + " n/a";
        }
        return String.format("%s Tomcat %s ms vs daemon %s ms of CPU per request = %.2f", load, f1(tomcat), f1(daemon),
                tomcat / daemon);
    }
}
