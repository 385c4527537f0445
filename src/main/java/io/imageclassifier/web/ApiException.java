package io.imageclassifier.web;

import java.util.Map;

/**
 * A failure the client should hear about, with the HTTP status that names it. The servlet turns
 * every one of these into {@code {"success": false, "error": message}} with that status.
 */
public abstract class ApiException extends RuntimeException {

    protected ApiException(String message) {
        super(message);
    }

    protected ApiException(String message, Throwable cause) {
        super(message, cause);
    }

    public abstract int status();

    /** Response headers that belong with this error, e.g. Retry-After. */
    public Map<String, String> headers() {
        return Map.of();
    }
}
