package io.imageclassifier.bench;

import static io.imageclassifier.bench.Figures.f1;
import static io.imageclassifier.bench.Figures.f2;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The results as plain-text tables: one per phase, and the CPU each part of the stack spent. */
final class ResultTables {

    private ResultTables() {
    }

    static TextTable ceiling(BenchResults.Ceiling ceiling) {
        TextTable t = new TextTable("batch", "runs", "ms/batch (median)", "min ms", "p90 ms", "ms/image", "images/s",
                "others' CPU %");
        if (ceiling != null) {
            for (CeilingBench.Row r : ceiling.rows()) {
                t.row(r.batch(), r.runs(), r.medianMs(), r.minMs(), r.p90Ms(), r.msPerImage(), r.imagesPerSecond(),
                        TextTable.format(r.otherCpuPercent(), 0));
            }
        }
        return t;
    }

    static TextTable light(BenchResults results) {
        TextTable t = new TextTable("requests", "ok", "failed", "p50 ms", "p90 ms", "p99 ms", "max ms", "mean ms",
                "req/s", "overhead ms", "daemon b1 ms");
        if (results.light != null) {
            BenchResults.Load l = results.light.load();
            t.row(l.requests(), l.ok(), l.failed(), l.latencyMs().p50(), l.latencyMs().p90(), l.latencyMs().p99(),
                    l.latencyMs().max(), l.latencyMs().mean(), l.throughputPerSecond(), results.light.overheadMs(),
                    results.light.daemonInferenceMs());
        }
        return t;
    }

    static TextTable sweep(BenchResults results) {
        TextTable t = new TextTable("clients", "req/s", "% ceiling", "requests", "ok", "failed", "p50 ms", "p90 ms",
                "p99 ms", "max ms", "mean batch", "daemon busy %", "infer ms/batch");
        for (BenchResults.Load l : results.sweep) {
            t.row(l.clients(), l.throughputPerSecond(), l.percentOfCeiling(), l.requests(), l.ok(), l.failed(),
                    l.latencyMs().p50(), l.latencyMs().p90(), l.latencyMs().p99(), l.latencyMs().max(),
                    f2(l.batches().meanBatch()), l.daemonBusyPercent(), l.batches().meanInferenceMs());
        }
        return t;
    }

    /** CPU ms per request of each part of the stack, per load measurement. */
    static TextTable cpu(BenchResults results) {
        TextTable t = new TextTable("load", "req/s", "daemon", "tomcat", "apache", "redis", "client", "total ms/req",
                "machine busy %");
        List<BenchResults.Load> loads = new ArrayList<>();
        if (results.light != null) {
            loads.add(results.light.load());
        }
        loads.addAll(results.sweep);
        if (results.stress != null) {
            loads.add(results.stress.load());
        }
        if (results.soak != null) {
            loads.add(results.soak.load());
        }
        int cpus = Runtime.getRuntime().availableProcessors();
        for (BenchResults.Load l : loads) {
            Map<String, Double> ms = l.cpuMsPerRequest();
            if (ms == null || ms.isEmpty()) {
                continue;
            }
            double total = ms.getOrDefault("total", Double.NaN);
            // CPU seconds per second over the cores; failed answers (their CPU is in the total) are ignored.
            t.row(l.name(), l.throughputPerSecond(), ms.get("daemon"), ms.get("tomcat"), ms.get("apache"),
                    ms.get("redis"), ms.get("client"), total, Stats.percent(total * l.throughputPerSecond() / 1000, cpus));
        }
        return t;
    }

    static TextTable stress(BenchResults results) {
        TextTable t = new TextTable("requests", "ok", "failed", "wall s", "ok/s", "p50 ms", "p90 ms", "p99 ms",
                "max ms", "mean batch", "max in flight");
        if (results.stress != null) {
            BenchResults.Load l = results.stress.load();
            t.row(l.requests(), l.ok(), l.failed(), l.seconds(), l.throughputPerSecond(), l.latencyMs().p50(),
                    l.latencyMs().p90(), l.latencyMs().p99(), l.latencyMs().max(), f2(l.batches().meanBatch()),
                    results.stress.maxInFlight());
        }
        return t;
    }

    static TextTable soak(BenchResults results) {
        TextTable t = new TextTable("", "at s", "daemon RSS MB", "Tomcat heap MB", "heap after GC MB");
        if (results.soak != null) {
            BenchResults.Soak s = results.soak;
            t.row("start", s.start().atSeconds(), s.start().daemonRssMb(), s.start().tomcatHeapUsedMb(),
                    s.start().tomcatHeapAfterGcMb());
            t.row("end", s.end().atSeconds(), s.end().daemonRssMb(), s.end().tomcatHeapUsedMb(),
                    s.end().tomcatHeapAfterGcMb());
            t.row("growth %", "", s.daemonRssGrowthPercent(), s.tomcatHeapGrowthPercent(),
                    s.tomcatHeapAfterGcGrowthPercent());
        }
        return t;
    }

    /** The soak's load in one line, under its memory table. */
    static String soakLoad(BenchResults.Load l) {
        return String.format("%d requests (%d failed) in %s s, %s OK/s; p50 %s ms, p99 %s ms, max %s ms; mean batch %s",
                l.requests(), l.failed(), f1(l.seconds()), f1(l.throughputPerSecond()), f1(l.latencyMs().p50()),
                f1(l.latencyMs().p99()), f1(l.latencyMs().max()), f2(l.batches().meanBatch()));
    }

    /** The chaos run: requests by outcome before the first fault and beside each fault. */
    static TextTable chaos(ChaosTally tally) {
        List<String> header = new ArrayList<>(List.of("requests that ended", "sent"));
        header.addAll(ChaosTally.OUTCOMES);
        header.add("other: why");
        TextTable t = new TextTable(header.toArray(String[]::new));
        for (ChaosTally.Window w : tally.windows()) {
            List<Object> row = new ArrayList<>(List.of(w.label(),
                    w.outcomes().values().stream().mapToInt(Integer::intValue).sum()));
            row.addAll(w.outcomes().values());
            row.add(w.otherReasons().isEmpty() ? "" : w.otherReasons().toString());
            t.row(row.toArray());
        }
        return t;
    }

    /** The chaos run's totals in one line. */
    static String chaosTotals(BenchResults.Chaos c) {
        Map<String, Integer> o = c.outcomes();
        return String.format("sent %d: 200 %d, 503 %d, 504 %d, other %d, unanswered %d; %d faults in %s min",
                c.sent(), o.get("200"), o.get("503"), o.get("504"), o.get("other"), o.get("unanswered"),
                c.faults().size(), f1(c.minutes()));
    }

    /** "1 x300, 2 x100": batch size and how many batches had it. */
    static String histogram(Map<Integer, Long> histogram) {
        StringBuilder sb = new StringBuilder();
        histogram.forEach((n, c) -> sb.append(sb.length() == 0 ? "" : ", ").append(n).append(" x").append(c));
        return sb.toString();
    }
}
