package io.imageclassifier.bench;

import io.imageclassifier.client.ClassifierClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Where a request's time went inside the web app, from the stage histograms it serves at
 * {@code /metrics}: two scrapes around a phase give each stage's mean over the phase's requests.
 */
final class StageTimes {

    static final String UPLOAD_READ = "imageclassifier_upload_read_seconds";
    static final String PREPROCESS = "imageclassifier_preprocess_seconds";
    static final String MODEL_WAIT = "imageclassifier_model_wait_seconds";
    private static final String[] STAGES = {UPLOAD_READ, PREPROCESS, MODEL_WAIT};

    /** Mean ms a request spent in each stage; NaN where the scrapes could not be matched to the phase. */
    record Means(double uploadReadMs, double preprocessMs, double modelWaitMs) {
        static final Means UNKNOWN = new Means(Double.NaN, Double.NaN, Double.NaN);

        double sumMs() {
            return uploadReadMs + preprocessMs + modelWaitMs;
        }
    }

    /** The stage histograms' sums and counts at one moment. */
    record Snapshot(Map<String, Double> series) {
        double count(String stage) {
            return series.getOrDefault(stage + "_count", Double.NaN);
        }

        double sumSeconds(String stage) {
            return series.getOrDefault(stage + "_sum", Double.NaN);
        }
    }

    private final URI metricsUrl;
    private final ClassifierClient client = ClassifierClient.builder().requestTimeout(Duration.ofSeconds(10)).build();

    StageTimes(URI predictUrl) {
        this.metricsUrl = predictUrl.resolve("/metrics");
    }

    /** Scrapes /metrics; an empty snapshot if it cannot (a web app without the stage metrics, say). */
    Snapshot snapshot() throws InterruptedException {
        try {
            HttpResponse<String> reply = client.send(HttpRequest.newBuilder(metricsUrl).GET());
            return reply.statusCode() == 200 ? parse(reply.body()) : new Snapshot(Map.of());
        } catch (IOException e) {
            return new Snapshot(Map.of());
        }
    }

    static Snapshot parse(String prometheusText) {
        Map<String, Double> series = new HashMap<>();
        for (String line : prometheusText.split("\n")) {
            for (String stage : STAGES) {
                if (line.startsWith(stage + "_sum ") || line.startsWith(stage + "_count ")) {
                    int space = line.lastIndexOf(' ');
                    series.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
                }
            }
        }
        return new Snapshot(series);
    }

    /**
     * Each stage's mean between the two snapshots, if every stage counted exactly {@code requests}
     * more: otherwise the scrapes saw other traffic, or another Tomcat behind a balancer, and a
     * mean would describe something else.
     */
    static Means between(Snapshot before, Snapshot after, int requests) {
        double[] means = new double[STAGES.length];
        for (int i = 0; i < STAGES.length; i++) {
            double counted = after.count(STAGES[i]) - before.count(STAGES[i]);
            if (requests == 0 || counted != requests) {
                return Means.UNKNOWN;
            }
            means[i] = (after.sumSeconds(STAGES[i]) - before.sumSeconds(STAGES[i])) * 1000 / requests;
        }
        return new Means(means[0], means[1], means[2]);
    }
}
