package io.imageclassifier.web.http;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * The error page for whatever the container answers itself (unknown path, wrong method, an
 * exception that escaped): JSON like every other error, and never a stack trace or server detail.
 */
public class ErrorServlet extends HttpServlet {

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        int status = code instanceof Integer value ? value : HttpServletResponse.SC_INTERNAL_SERVER_ERROR;
        Object uri = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
        response.resetBuffer();
        JsonReplyWriter.write(response, status, new ErrorReply(describe(status, uri)));
    }

    private static String describe(int status, Object uri) {
        return switch (status) {
            case 404 -> "no such endpoint: " + uri + " (POST images to /predict)";
            case 405 -> "method not allowed on " + uri + "; use POST /predict or GET /";
            case 400 -> "bad request";
            case 413 -> "the upload is too large";
            default -> status >= 500 ? "internal error" : "request failed with status " + status;
        };
    }
}
