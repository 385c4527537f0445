package io.imageclassifier.web;

/**
 * A request the HTTP layer itself refuses, or gives up on, with the status that names why.
 * {@link HttpErrors} answers it with that status and {@code {"success": false, "error": message}}.
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
