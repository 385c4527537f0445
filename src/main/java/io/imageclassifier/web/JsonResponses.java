package io.imageclassifier.web;

import com.google.gson.Gson;
import io.imageclassifier.protocol.Prediction;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The two shapes a client ever gets back from /predict. */
final class JsonResponses {

    private static final Gson GSON = new Gson();

    private JsonResponses() {
    }

    /** {@code {"success": true, "predictions": [{"label": ..., "probability": ...}, ...]}} */
    static void writePredictions(HttpServletResponse response, List<Prediction> predictions) throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("success", true);
        body.put("predictions", predictions);
        write(response, HttpServletResponse.SC_OK, body);
    }

    /** The error's status, headers and {@code {"success": false, "error": message}}. */
    static void writeError(HttpServletResponse response, ApiException error) throws IOException {
        error.headers().forEach(response::setHeader);
        writeError(response, error.status(), error.getMessage());
    }

    /** {@code {"success": false, "error": ...}} with the given status. */
    static void writeError(HttpServletResponse response, int status, String error) throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("success", false);
        body.put("error", error);
        write(response, status, body);
    }

    private static void write(HttpServletResponse response, int status, Map<String, Object> body) throws IOException {
        response.setStatus(status);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.getWriter().write(GSON.toJson(body));
    }
}
