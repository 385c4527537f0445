package io.imageclassifier.bench;

/** results.csv: every figure of a run, one a line ({@link ResultsCsv}). */
final class BenchCsv {

    private BenchCsv() {
    }

    static ResultsCsv of(BenchResults r) {
        ResultsCsv csv = new ResultsCsv();
        if (r.ceiling != null) {
            for (CeilingBench.Row row : r.ceiling.rows()) {
                String level = "batch=" + row.batch();
                csv.add("ceiling", level, "ms_per_batch_median", row.medianMs(), "ms");
                csv.add("ceiling", level, "ms_per_batch_min", row.minMs(), "ms");
                csv.add("ceiling", level, "ms_per_batch_p90", row.p90Ms(), "ms");
                csv.add("ceiling", level, "ms_per_image", row.msPerImage(), "ms");
                csv.add("ceiling", level, "images_per_s", row.imagesPerSecond(), "1/s");
                csv.add("ceiling", level, "runs", row.runs(), "");
                csv.add("ceiling", level, "other_processes_cpu_pct", row.otherCpuPercent(), "%");
            }
        }
        if (r.light != null) {
            addLoad(csv, "light", "clients=1", r.light.load());
            csv.add("light", "clients=1", "overhead_ms", r.light.overheadMs(), "ms");
            csv.add("light", "clients=1", "daemon_batch1_inference_ms", r.light.daemonInferenceMs(), "ms");
            csv.add("light", "clients=1", "upload_read_mean_ms", r.light.stages().uploadReadMs(), "ms");
            csv.add("light", "clients=1", "preprocess_mean_ms", r.light.stages().preprocessMs(), "ms");
            csv.add("light", "clients=1", "model_wait_mean_ms", r.light.stages().modelWaitMs(), "ms");
        }
        for (BenchResults.Load level : r.sweep) {
            addLoad(csv, "sweep", level.name(), level);
        }
        if (r.stress != null) {
            addLoad(csv, "stress", "count=" + r.stress.count() + ",interval=" + r.stress.intervalSeconds(), r.stress.load());
        }
        if (r.soak != null) {
            addSoak(csv, r.soak);
        }
        if (r.summary != null) {
            addSummary(csv, r.summary);
        }
        return csv;
    }

    private static void addLoad(ResultsCsv csv, String phase, String level, BenchResults.Load l) {
        csv.add(phase, level, "requests", l.requests(), "");
        csv.add(phase, level, "ok", l.ok(), "");
        csv.add(phase, level, "failed", l.failed(), "");
        csv.add(phase, level, "seconds", l.seconds(), "s");
        csv.add(phase, level, "throughput_per_s", l.throughputPerSecond(), "1/s");
        if (!Double.isNaN(l.offeredPerSecond())) {
            csv.add(phase, level, "offered_per_s", l.offeredPerSecond(), "1/s");
        }
        csv.add(phase, level, "p50_ms", l.latencyMs().p50(), "ms");
        csv.add(phase, level, "p90_ms", l.latencyMs().p90(), "ms");
        csv.add(phase, level, "p99_ms", l.latencyMs().p99(), "ms");
        csv.add(phase, level, "max_ms", l.latencyMs().max(), "ms");
        csv.add(phase, level, "mean_ms", l.latencyMs().mean(), "ms");
        csv.add(phase, level, "pct_of_ceiling", l.percentOfCeiling(), "%");
        csv.add(phase, level, "batches", l.batches().batches(), "");
        csv.add(phase, level, "mean_batch", l.batches().meanBatch(), "");
        csv.add(phase, level, "daemon_inference_ms_per_batch", l.batches().meanInferenceMs(), "ms");
        csv.add(phase, level, "daemon_busy_pct", l.daemonBusyPercent(), "%");
        l.batches().histogram().forEach((n, c) -> csv.add(phase, level, "batches_of_size_" + n, c, ""));
        if (l.cpuMsPerRequest() != null) {
            l.cpuMsPerRequest().forEach((part, ms) -> csv.add(phase, level, "cpu_ms_per_request_" + part, ms, "ms"));
        }
    }

    private static void addSoak(ResultsCsv csv, BenchResults.Soak s) {
        String level = "rate=" + ResultsCsv.number(s.ratePerSecond());
        addLoad(csv, "soak", level, s.load());
        csv.add("soak", level, "daemon_rss_start_mb", s.start().daemonRssMb(), "MB");
        csv.add("soak", level, "daemon_rss_end_mb", s.end().daemonRssMb(), "MB");
        csv.add("soak", level, "daemon_rss_growth_pct", s.daemonRssGrowthPercent(), "%");
        csv.add("soak", level, "tomcat_heap_start_mb", s.start().tomcatHeapUsedMb(), "MB");
        csv.add("soak", level, "tomcat_heap_end_mb", s.end().tomcatHeapUsedMb(), "MB");
        csv.add("soak", level, "tomcat_heap_growth_pct", s.tomcatHeapGrowthPercent(), "%");
        csv.add("soak", level, "tomcat_heap_after_gc_start_mb", s.start().tomcatHeapAfterGcMb(), "MB");
        csv.add("soak", level, "tomcat_heap_after_gc_end_mb", s.end().tomcatHeapAfterGcMb(), "MB");
        csv.add("soak", level, "tomcat_heap_after_gc_growth_pct", s.tomcatHeapAfterGcGrowthPercent(), "%");
    }

    private static void addSummary(ResultsCsv csv, BenchResults.Summary s) {
        csv.add("summary", "", "ceiling_best_images_per_s", s.ceilingBestImagesPerSecond(), "1/s");
        csv.add("summary", "", "ceiling_best_batch", s.ceilingBestBatch(), "");
        csv.add("summary", "", "ceiling_batch1_ms", s.ceilingBatch1Ms(), "ms");
        csv.add("summary", "", "light_p50_ms", s.lightP50Ms(), "ms");
        csv.add("summary", "", "light_p99_ms", s.lightP99Ms(), "ms");
        csv.add("summary", "", "light_overhead_ms", s.lightOverheadMs(), "ms");
        csv.add("summary", "", "saturation_req_per_s", s.saturationThroughputPerSecond(), "1/s");
        csv.add("summary", "", "saturation_clients", s.saturationClients(), "");
        csv.add("summary", "", "saturation_pct_of_ceiling", s.saturationPercentOfCeiling(), "%");
        csv.add("summary", "", "stress_ok", s.stressOk(), "");
        csv.add("summary", "", "stress_failed", s.stressFailed(), "");
        csv.add("summary", "", "stress_p50_ms", s.stressP50Ms(), "ms");
        csv.add("summary", "", "stress_p99_ms", s.stressP99Ms(), "ms");
        csv.add("summary", "", "stress_max_ms", s.stressMaxMs(), "ms");
    }
}
