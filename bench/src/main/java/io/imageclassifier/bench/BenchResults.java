package io.imageclassifier.bench;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.TypeAdapter;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.gson.stream.JsonWriter;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Everything one run measured; written as results.json (NaN, a figure not measured, as null). */
public final class BenchResults {

    /** Batch sizes the daemon logged during a measurement. */
    public record Batches(long batches, long images, double meanBatch, double meanInferenceMs,
                          Map<Integer, Long> histogram, Map<Integer, Double> meanInferenceMsBySize,
                          boolean daemonLogRestarted) {

        public static Batches of(BatchLog.BatchStats stats) {
            Map<Integer, Double> bySize = new TreeMap<>();
            stats.histogram().keySet().forEach(n -> bySize.put(n, stats.meanInferenceMs(n)));
            double meanInference = stats.timedBatches() == 0 ? Double.NaN
                    : (double) stats.inferenceMs() / stats.timedBatches();
            return new Batches(stats.batches(), stats.images(), stats.meanBatch(), meanInference,
                    new TreeMap<>(stats.histogram()), bySize, stats.logRestarted());
        }
    }

    /**
     * One load measurement.
     *
     * @param clients closed-loop clients (1 for one at a time), 0 for an open loop
     * @param offeredPerSecond the open loop's schedule, NaN for a closed loop
     * @param seconds the measurement window (closed loop) or the wall time until the last answer
     * @param requests requests counted (closed loop: started inside the window)
     * @param throughputPerSecond successful answers per second
     * @param latencyMs latencies of the successful requests
     * @param daemonBusyPercent the daemon's logged inference time as % of the window
     * @param percentOfCeiling throughput as % of the best ceiling images/s
     * @param cpuMsPerRequest CPU ms per request of each part (daemon, tomcat, apache, redis, client)
     *                        and their total, from /proc
     */
    public record Load(String name, int clients, double offeredPerSecond, double seconds, int requests, int ok,
                       int failed, Map<String, Integer> failures, double throughputPerSecond,
                       Stats.Summary latencyMs, Batches batches, double daemonBusyPercent,
                       double percentOfCeiling, Map<String, Double> cpuMsPerRequest) {
    }

    public record Ceiling(String device, int threads, String model, List<CeilingBench.Row> rows,
                          int bestBatch, double bestImagesPerSecond, double batch1Ms, String precision) {
    }

    /**
     * @param overheadMs p50 minus the ceiling's batch-1 ms
     * @param stages     the web app's stage means over the phase (NaN where unknown)
     */
    public record Light(Load load, double overheadMs, double daemonInferenceMs, double overheadOverDaemonMs,
                        StageTimes.Means stages) {
    }

    public record Stress(int count, double intervalSeconds, Load load, int maxInFlight) {
    }

    /** Memory of the stack at one moment of the soak. */
    public record MemorySample(double atSeconds, double daemonRssMb, double tomcatHeapUsedMb,
                               double tomcatHeapAfterGcMb) {
    }

    public record Soak(double minutes, double ratePerSecond, double warmupSeconds, Load load,
                       MemorySample start, MemorySample end, List<MemorySample> samples,
                       double daemonRssGrowthPercent, double tomcatHeapGrowthPercent,
                       double tomcatHeapAfterGcGrowthPercent) {
    }

    /** One fault of the chaos run: when it began (s from the load's start), what it was, how long it took. */
    public record ChaosFault(double atSeconds, String fault, double tookSeconds) {
    }

    /** @param outcomes requests by how they ended (see ChaosTally): 200, 503, 504, other, unanswered */
    public record Chaos(double minutes, int clients, long seed, int sent, Map<String, Integer> outcomes,
                        Map<String, Integer> otherReasons, List<ChaosFault> faults) {
    }

    public record Summary(double ceilingBestImagesPerSecond, int ceilingBestBatch, double ceilingBatch1Ms,
                          double lightP50Ms, double lightP99Ms, double lightOverheadMs,
                          double saturationThroughputPerSecond, int saturationClients,
                          double saturationPercentOfCeiling, int stressOk, int stressFailed, double stressP50Ms,
                          double stressP99Ms, double stressMaxMs) {
    }

    public String startedAt;
    /** The processor the figures were measured on (/proc/cpuinfo's model name). */
    public String cpuModel;
    public String finishedAt;
    public double totalSeconds;
    public Map<String, Object> environment = new LinkedHashMap<>();
    public Map<String, Object> options = new LinkedHashMap<>();
    public Map<String, Double> phaseSeconds = new LinkedHashMap<>();
    /** The ceiling of the precision the daemon serves: every load's "% of the ceiling" is of this one. */
    public Ceiling ceiling;
    /** The ceilings of the other precisions --precision asked for, measured in the same run. */
    public List<Ceiling> otherCeilings = new ArrayList<>();
    public Light light;
    public List<Load> sweep = new ArrayList<>();
    public Stress stress;
    public Soak soak;
    public Chaos chaos;
    public Summary summary;
    public List<String> errors = new ArrayList<>();
    public List<String> notes = new ArrayList<>();
    public List<String> files = new ArrayList<>();

    /** Writes NaN and infinities as null: JSON has no such numbers. */
    static final class FiniteDoubles extends TypeAdapter<Double> {
        @Override
        public void write(JsonWriter out, Double value) throws IOException {
            if (value == null || !Double.isFinite(value)) {
                out.nullValue();
            } else {
                out.value(value);
            }
        }

        @Override
        public Double read(JsonReader in) throws IOException {
            if (in.peek() == JsonToken.NULL) {
                in.nextNull();
                return Double.NaN;
            }
            return in.nextDouble();
        }
    }

    public static Gson gson() {
        FiniteDoubles doubles = new FiniteDoubles();
        return new GsonBuilder()
                .setPrettyPrinting()
                .serializeNulls()
                .registerTypeAdapter(Double.class, doubles)
                .registerTypeAdapter(double.class, doubles)
                .create();
    }

    public String toJson() {
        return gson().toJson(this);
    }

    /** The ceiling's best images/s, NaN without a ceiling: every load's throughput is a % of it. */
    public double ceilingImagesPerSecond() {
        return ceiling == null ? Double.NaN : ceiling.bestImagesPerSecond();
    }

    /** The sweep level with the highest throughput, null without a sweep. */
    public Load saturation() {
        return sweep.stream().max((a, b) -> Double.compare(a.throughputPerSecond(), b.throughputPerSecond()))
                .orElse(null);
    }

    /**
     * The figures of one load measurement, from its requests and what the stack spent meanwhile.
     *
     * @param clients closed-loop clients (1 for one at a time), 0 for an open loop
     * @param offeredPerSecond the open loop's schedule, NaN for a closed loop
     * @param seconds the window the requests and the batches were counted in
     */
    public Load load(String name, int clients, double offeredPerSecond, double seconds, List<HttpLoad.Sample> samples,
                     double throughputPerSecond, BatchLog.BatchStats batches, Map<String, Double> cpuMsPerRequest) {
        int ok = HttpLoad.okCount(samples);
        Stats.Summary latency = Stats.summarize(HttpLoad.okLatencies(samples));
        double busy = batches.timedBatches() == 0 ? Double.NaN : Stats.percent(batches.inferenceMs(), seconds * 1000);
        return new Load(name, clients, offeredPerSecond, Figures.round3(seconds), samples.size(), ok,
                samples.size() - ok, HttpLoad.failures(samples), throughputPerSecond, latency, Batches.of(batches), busy,
                Stats.percent(throughputPerSecond, ceilingImagesPerSecond()), cpuMsPerRequest);
    }

    /** The headline figures of the phases that ran. */
    public Summary summarize() {
        Ceiling c = ceiling;
        Light l = light;
        Load top = saturation();
        Load s = stress == null ? null : stress.load();
        return new Summary(
                c == null ? Double.NaN : c.bestImagesPerSecond(), c == null ? 0 : c.bestBatch(),
                c == null ? Double.NaN : c.batch1Ms(),
                l == null ? Double.NaN : l.load().latencyMs().p50(), l == null ? Double.NaN : l.load().latencyMs().p99(),
                l == null ? Double.NaN : l.overheadMs(),
                top == null ? Double.NaN : top.throughputPerSecond(), top == null ? 0 : top.clients(),
                top == null ? Double.NaN : top.percentOfCeiling(),
                s == null ? 0 : s.ok(), s == null ? 0 : s.failed(),
                s == null ? Double.NaN : s.latencyMs().p50(), s == null ? Double.NaN : s.latencyMs().p99(),
                s == null ? Double.NaN : s.latencyMs().max());
    }
}
