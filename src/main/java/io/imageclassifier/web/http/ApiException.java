package io.imageclassifier.web.http;

/**
 * A request the HTTP layer itself refuses, or gives up on, with the status that names why.
 * {@link HttpErrors} answers it with that status and {@code {"success": false, "error": message}}.
 */
abstract class ApiException extends RuntimeException {

    ApiException(String message) {
        super(message);
    }

    abstract int status();
}
