package io.imageclassifier.web.health;

import io.imageclassifier.protocol.DaemonHeartbeat;
import io.imageclassifier.protocol.HistogramCounts;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot;
import io.prometheus.metrics.model.snapshots.InfoSnapshot.InfoDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.function.ToLongFunction;
import redis.clients.jedis.exceptions.JedisException;

/**
 * The metrics read from Redis at scrape time: queue length, live daemons, and each live daemon's
 * own totals and histograms from its heartbeat, labelled by daemon. A daemon's series vanish
 * with its heartbeat, as the series of a scraped target vanish when it goes down.
 */
final class ServiceStateCollector implements MultiCollector {

    private final ServiceState state;
    private final long queueLimit;

    ServiceStateCollector(ServiceState state, long queueLimit) {
        this.state = state;
        this.queueLimit = queueLimit;
    }

    @Override
    public MetricSnapshots collect() {
        List<MetricSnapshot> metrics = new ArrayList<>();
        metrics.add(gauge("imageclassifier_queue_limit", "Queue length past which /predict answers 503.", queueLimit));
        long queueLength;
        ServiceState.LiveDaemons live;
        try {
            queueLength = state.queueLength();
            live = state.liveDaemons();
        } catch (JedisException e) {
            metrics.add(gauge("imageclassifier_redis_up", "1 when Redis answered this scrape, else 0.", 0));
            return new MetricSnapshots(metrics);
        }
        metrics.add(gauge("imageclassifier_redis_up", "1 when Redis answered this scrape, else 0.", 1));
        metrics.add(gauge("imageclassifier_queue_length",
                "Jobs in the queue: waiting, or taken by a model daemon and not yet answered.", queueLength));
        metrics.add(gauge("imageclassifier_daemons_live", "Model daemons with a fresh heartbeat.", live.count()));
        metrics.add(gauge("imageclassifier_daemon_heartbeats_unreadable", "Live model daemons whose heartbeat this"
                + " web app cannot read (another version?): counted as live, without their figures.",
                live.unreadable().size()));
        List<DaemonHeartbeat> daemons = live.readable();
        metrics.add(daemonInfo(daemons));
        metrics.add(daemonCounter(daemons, "imageclassifier_daemon_batches",
                "Batches the model daemon has run.", DaemonHeartbeat::batches));
        metrics.add(daemonCounter(daemons, "imageclassifier_daemon_images",
                "Images the model daemon has classified.", DaemonHeartbeat::images));
        metrics.add(daemonCounter(daemons, "imageclassifier_daemon_jobs_skipped_expired",
                "Jobs the model daemon skipped because their request had already timed out.",
                DaemonHeartbeat::skippedExpired));
        metrics.add(daemonHistogram(daemons, "imageclassifier_daemon_batch_size",
                "Images per inference call.", null, DaemonHeartbeat::batchSizes));
        metrics.add(daemonHistogram(daemons, "imageclassifier_daemon_inference_seconds",
                "Time of one inference call (one batch).", Unit.SECONDS, DaemonHeartbeat::inferenceSeconds));
        return new MetricSnapshots(metrics);
    }

    private static GaugeSnapshot gauge(String name, String help, double value) {
        return GaugeSnapshot.builder().name(name).help(help)
                .dataPoint(GaugeDataPointSnapshot.builder().value(value).build())
                .build();
    }

    private static InfoSnapshot daemonInfo(List<DaemonHeartbeat> daemons) {
        InfoSnapshot.Builder info = InfoSnapshot.builder().name("imageclassifier_daemon")
                .help("One series per live model daemon: its model, device and maximum batch size.");
        for (DaemonHeartbeat daemon : daemons) {
            info.dataPoint(InfoDataPointSnapshot.builder()
                    .labels(Labels.of("daemon", daemon.daemon(), "model", daemon.model(), "device", daemon.device(),
                            "batch_size", Integer.toString(daemon.batchSize())))
                    .build());
        }
        return info.build();
    }

    private static CounterSnapshot daemonCounter(List<DaemonHeartbeat> daemons, String name, String help,
                                                 ToLongFunction<DaemonHeartbeat> value) {
        CounterSnapshot.Builder counter = CounterSnapshot.builder().name(name).help(help);
        for (DaemonHeartbeat daemon : daemons) {
            counter.dataPoint(CounterDataPointSnapshot.builder()
                    .labels(Labels.of("daemon", daemon.daemon()))
                    .value(value.applyAsLong(daemon))
                    .build());
        }
        return counter.build();
    }

    private static HistogramSnapshot daemonHistogram(List<DaemonHeartbeat> daemons, String name, String help,
                                                     Unit unit, Function<DaemonHeartbeat, HistogramCounts> value) {
        HistogramSnapshot.Builder histogram = HistogramSnapshot.builder().name(name).help(help);
        if (unit != null) {
            histogram.unit(unit);
        }
        for (DaemonHeartbeat daemon : daemons) {
            HistogramCounts counts = value.apply(daemon);
            double[] bounds = Arrays.copyOf(counts.upperBounds(), counts.upperBounds().length + 1);
            bounds[bounds.length - 1] = Double.POSITIVE_INFINITY;
            histogram.dataPoint(HistogramDataPointSnapshot.builder()
                    .labels(Labels.of("daemon", daemon.daemon()))
                    .classicHistogramBuckets(ClassicHistogramBuckets.of(bounds, counts.bucketCounts()))
                    .sum(counts.sum())
                    .build());
        }
        return histogram.build();
    }
}
