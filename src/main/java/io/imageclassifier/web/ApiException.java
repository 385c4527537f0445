package io.imageclassifier.web;

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
}
