package io.imageclassifier.web;

import com.google.gson.Gson;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code GET /health/live}: the web app is up. {@code GET /health/ready}: Redis answers and at
 * least one model daemon has a fresh heartbeat with its model loaded; 503 otherwise, saying why.
 */
public class HealthServlet extends HttpServlet {

    private static final Gson GSON = new Gson();
    private final ReadinessProbe readiness;

    HealthServlet(ReadinessProbe readiness) {
        this.readiness = readiness;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        int status = HttpServletResponse.SC_OK;
        if ("/ready".equals(request.getPathInfo())) {
            ReadinessProbe.Readiness now = readiness.check();
            status = now.ready() ? HttpServletResponse.SC_OK : HttpServletResponse.SC_SERVICE_UNAVAILABLE;
            body.put("status", now.ready() ? "ready" : "not ready");
            body.put("redis", now.redisError() == null ? "ok" : now.redisError());
            body.put("daemons", now.daemons());
            if (now.redisError() == null && now.daemons().isEmpty()) {
                body.put("error", "no model daemon is running (no fresh heartbeat); see the model daemon's log");
            }
        } else if ("/live".equals(request.getPathInfo())) {
            body.put("status", "live");
        } else {
            JsonResponses.writeError(response, HttpServletResponse.SC_NOT_FOUND, "use /health/live or /health/ready");
            return;
        }
        response.setStatus(status);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.getWriter().write(GSON.toJson(body));
    }
}
