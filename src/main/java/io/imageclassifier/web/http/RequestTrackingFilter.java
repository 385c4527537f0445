package io.imageclassifier.web.http;

import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Gives every request an id, echoed as the {@code X-Request-Id} response header so that Apache's
 * and Tomcat's access logs and the client can name the same request, and records each
 * {@code POST /predict} outcome (status, latency) in the metrics when its answer is complete,
 * which for an asynchronous request is long after this filter has returned.
 */
public class RequestTrackingFilter extends HttpFilter {

    static final String REQUEST_ID_HEADER = "X-Request-Id";
    /**
     * Counted for a request whose client went away before its answer: no status was sent, and
     * the response's default 200 would count it as served. nginx's "client closed request".
     */
    static final int CLIENT_CLOSED_REQUEST = 499;
    /** An id from the front end (Apache's mod_unique_id) is kept if it looks like one. */
    private static final Pattern ACCEPTABLE_ID = Pattern.compile("[A-Za-z0-9@_.:-]{1,64}");

    private final PredictionOutcomes outcomes;

    public RequestTrackingFilter(PredictionOutcomes outcomes) {
        this.outcomes = outcomes;
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        response.setHeader(REQUEST_ID_HEADER, requestId(request));
        long started = System.nanoTime();
        boolean predict = PredictServlet.PATH.equals(request.getServletPath()) && "POST".equals(request.getMethod());
        try {
            chain.doFilter(request, response);
        } finally {
            if (predict) {
                if (request.isAsyncStarted()) {
                    request.getAsyncContext().addListener(new RecordWhenComplete(response, started));
                } else {
                    outcomes.recordPrediction(response.getStatus(), System.nanoTime() - started);
                }
            }
        }
    }

    static String requestId(HttpServletRequest request) {
        String given = request.getHeader(REQUEST_ID_HEADER);
        return given != null && ACCEPTABLE_ID.matcher(given).matches() ? given : UUID.randomUUID().toString();
    }

    private final class RecordWhenComplete implements AsyncListener {
        private final HttpServletResponse response;
        private final long started;
        private volatile boolean clientGone;

        RecordWhenComplete(HttpServletResponse response, long started) {
            this.response = response;
            this.started = started;
        }

        @Override
        public void onComplete(AsyncEvent event) {
            outcomes.recordPrediction(clientGone ? CLIENT_CLOSED_REQUEST : response.getStatus(),
                    System.nanoTime() - started);
        }

        @Override
        public void onTimeout(AsyncEvent event) {
        }

        /** The connection failed: the client went away (Tomcat completes the request after this). */
        @Override
        public void onError(AsyncEvent event) {
            clientGone = true;
        }

        @Override
        public void onStartAsync(AsyncEvent event) {
        }
    }
}
