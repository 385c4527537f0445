package io.imageclassifier.web;

import com.google.gson.Gson;
import io.imageclassifier.protocol.DaemonHeartbeat;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code GET /health/live}: the web app is up. {@code GET /health/ready}: Redis answers and at
 * least one model daemon has a fresh heartbeat with its model loaded; 503 otherwise, with a
 * one-line reason. Both are for anyone (load balancers). {@code GET /health/detail}: the same
 * verdict with each daemon's host, pid, model and counts, which tell an outsider too much:
 * Apache lets only the clients it lets see /metrics have it (apache/vhost-common.conf).
 */
public class HealthServlet extends HttpServlet {

    private static final Gson GSON = new Gson();
    private final ReadinessProbe readiness;

    HealthServlet(ReadinessProbe readiness) {
        this.readiness = readiness;
    }

    /** Who the daemon is and what it has done; its histograms are for /metrics. */
    private static Map<String, Object> summary(DaemonHeartbeat daemon) {
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("daemon", daemon.daemon());
        summary.put("model", daemon.model());
        summary.put("device", daemon.device());
        summary.put("batch_size", daemon.batchSize());
        summary.put("batches", daemon.batches());
        summary.put("images", daemon.images());
        summary.put("skipped_expired", daemon.skippedExpired());
        return summary;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        int status = HttpServletResponse.SC_OK;
        String path = String.valueOf(request.getPathInfo());
        if (path.equals("/ready") || path.equals("/detail")) {
            ReadinessProbe.Readiness now = readiness.check();
            status = now.ready() ? HttpServletResponse.SC_OK : HttpServletResponse.SC_SERVICE_UNAVAILABLE;
            body.put("status", now.ready() ? "ready" : "not ready");
            if (!now.ready()) {
                body.put("error", now.redisError() != null ? "the job queue (Redis) is unreachable"
                        : "no model daemon is running (no fresh heartbeat); see the model daemon's log");
            }
            if (path.equals("/detail")) {
                body.put("redis", now.redisError() == null ? "ok" : now.redisError());
                body.put("daemons", now.daemons().readable().stream().map(HealthServlet::summary).toList());
                if (!now.daemons().unreadable().isEmpty()) {
                    body.put("daemons_unreadable", now.daemons().unreadable());
                }
            }
        } else if (path.equals("/live")) {
            body.put("status", "live");
        } else {
            JsonResponses.writeError(response, HttpServletResponse.SC_NOT_FOUND,
                    "use /health/live, /health/ready or /health/detail");
            return;
        }
        response.setStatus(status);
        response.setHeader("Cache-Control", "no-store");
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.getWriter().write(GSON.toJson(body));
    }
}
