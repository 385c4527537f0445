package io.imageclassifier.web.health;

import io.imageclassifier.web.http.ErrorReply;
import io.imageclassifier.web.http.JsonReplyWriter;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * {@code GET /health/live}: the web app is up. {@code GET /health/ready}: Redis answers and at
 * least one model daemon has a fresh heartbeat with its model loaded; 503 otherwise, with a
 * one-line reason. Both are for anyone (load balancers). {@code GET /health/detail}: the same
 * verdict with each daemon's host, pid, model and counts, which tell an outsider too much:
 * Apache lets only the clients it lets see /metrics have it (apache/vhost-common.conf).
 */
public class HealthServlet extends HttpServlet {

    private final ReadinessProbe readiness;

    public HealthServlet(ReadinessProbe readiness) {
        this.readiness = readiness;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        HealthReply reply;
        int status = HttpServletResponse.SC_OK;
        String path = String.valueOf(request.getPathInfo());
        if (path.equals("/ready") || path.equals("/detail")) {
            ReadinessProbe.Readiness now = readiness.check();
            status = now.ready() ? HttpServletResponse.SC_OK : HttpServletResponse.SC_SERVICE_UNAVAILABLE;
            reply = path.equals("/detail") ? HealthReply.detail(now) : HealthReply.verdict(now);
        } else if (path.equals("/live")) {
            reply = HealthReply.live();
        } else {
            JsonReplyWriter.write(response, HttpServletResponse.SC_NOT_FOUND,
                    new ErrorReply("use /health/live, /health/ready or /health/detail"));
            return;
        }
        response.setHeader("Cache-Control", "no-store");
        JsonReplyWriter.write(response, status, reply);
    }
}
