package io.imageclassifier.web.health;

import com.google.gson.annotations.SerializedName;
import io.imageclassifier.protocol.DaemonHeartbeat;
import java.util.List;

/**
 * What {@code /health/*} answers: the status, and why when not ready. Only {@code /health/detail}
 * adds Redis's state and the live daemons; the parts a reply leaves out are null.
 *
 * @param daemonsUnreadable live daemons whose heartbeat this version cannot read; null when none
 */
record HealthReply(String status, String error, String redis, List<DaemonSummary> daemons,
                   @SerializedName("daemons_unreadable") List<String> daemonsUnreadable) {

    static HealthReply live() {
        return new HealthReply("live", null, null, null, null);
    }

    /** The verdict alone: for anyone, load balancers included. */
    static HealthReply verdict(ReadinessProbe.Readiness now) {
        return new HealthReply(status(now), reason(now), null, null, null);
    }

    /** The verdict with each daemon's host, pid, model and counts. */
    static HealthReply detail(ReadinessProbe.Readiness now) {
        List<String> unreadable = now.daemons().unreadable();
        return new HealthReply(status(now), reason(now), now.redisError() == null ? "ok" : now.redisError(),
                now.daemons().readable().stream().map(DaemonSummary::of).toList(),
                unreadable.isEmpty() ? null : unreadable);
    }

    private static String status(ReadinessProbe.Readiness now) {
        return now.ready() ? "ready" : "not ready";
    }

    private static String reason(ReadinessProbe.Readiness now) {
        if (now.ready()) {
            return null;
        }
        return now.redisError() != null ? "the job queue (Redis) is unreachable"
                : "no model daemon is running (no fresh heartbeat); see the model daemon's log";
    }

    /** Who a daemon is and what it has done; its histograms are for /metrics. */
    record DaemonSummary(String daemon, String model, String device, @SerializedName("batch_size") int batchSize,
                         long batches, long images, @SerializedName("skipped_expired") long skippedExpired) {

        static DaemonSummary of(DaemonHeartbeat daemon) {
            return new DaemonSummary(daemon.daemon(), daemon.model(), daemon.device(), daemon.batchSize(),
                    daemon.batches(), daemon.images(), daemon.skippedExpired());
        }
    }
}
