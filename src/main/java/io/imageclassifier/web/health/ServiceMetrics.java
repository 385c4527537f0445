package io.imageclassifier.web.health;

import io.imageclassifier.web.http.PredictionStages;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;

/**
 * The web app's Prometheus metrics, served at {@code /metrics}: what happened to {@code /predict}
 * requests, measured here, plus the queue and daemon figures read from Redis at scrape time.
 *
 * <p>Its own registry rather than the library's global one, so a redeployed web app starts clean.
 * Without exemplars: their sampler starts a library-wide thread that nothing stops when the web
 * app is undeployed (Tomcat reports it as a leak), and we have no traces to link them to.
 */
public final class ServiceMetrics {

    /** From a fast GPU answer to the default 30 s request timeout. */
    private static final double[] LATENCY_BOUNDS_SECONDS =
            {0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};

    /** A request's stages, from a small photo's decode to a long queue. */
    private static final double[] STAGE_BOUNDS_SECONDS =
            {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Counter requests = Counter.builder()
            .name("imageclassifier_requests")
            .help("POST /predict requests answered, by HTTP status.")
            .labelNames("status")
            .withoutExemplars()
            .register(registry);
    private final Histogram latency = Histogram.builder()
            .name("imageclassifier_request_duration_seconds")
            .help("Time from receiving a POST /predict request to answering it, in the web app.")
            .unit(Unit.SECONDS)
            .classicOnly()
            .classicUpperBounds(LATENCY_BOUNDS_SECONDS)
            .withoutExemplars()
            .register(registry);

    private final Histogram uploadRead = stage("imageclassifier_upload_read_seconds",
            "Time to receive and parse a POST /predict multipart upload.");
    private final Histogram preprocess = stage("imageclassifier_preprocess_seconds",
            "Time to decode and resize an uploaded photo, including any wait for decode memory.");
    private final Histogram modelWait = stage("imageclassifier_model_wait_seconds",
            "Time from queueing a photo to the arrival of its predictions: queue, batch, inference "
                    + "and Redis.");

    public ServiceMetrics(ServiceState state, long queueLimit) {
        registry.register(new ServiceStateCollector(state, queueLimit));
    }

    public void recordPrediction(int httpStatus, long elapsedNanos) {
        requests.labelValues(Integer.toString(httpStatus)).inc();
        latency.observe(Unit.nanosToSeconds(elapsedNanos));
    }

    /** Where {@code PredictServlet} reports its stages' timings. */
    public PredictionStages stages() {
        return new PredictionStages() {
            @Override
            public void uploadRead(long nanos) {
                uploadRead.observe(Unit.nanosToSeconds(nanos));
            }

            @Override
            public void preprocessed(long nanos) {
                preprocess.observe(Unit.nanosToSeconds(nanos));
            }

            @Override
            public void modelAnswered(long nanos) {
                modelWait.observe(Unit.nanosToSeconds(nanos));
            }
        };
    }

    private Histogram stage(String name, String help) {
        return Histogram.builder()
                .name(name)
                .help(help)
                .unit(Unit.SECONDS)
                .classicOnly()
                .classicUpperBounds(STAGE_BOUNDS_SECONDS)
                .withoutExemplars()
                .register(registry);
    }

    public PrometheusRegistry registry() {
        return registry;
    }
}
