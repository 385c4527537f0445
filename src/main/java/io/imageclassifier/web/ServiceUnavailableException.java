package io.imageclassifier.web;

import java.util.Map;

/** 503: A dependency (Redis) or the queue cannot take the request now; retrying later may work. */
public class ServiceUnavailableException extends ApiException {

    private final int retryAfterSeconds;

    public ServiceUnavailableException(String message) {
        this(message, 0, null);
    }

    public ServiceUnavailableException(String message, Throwable cause) {
        this(message, 0, cause);
    }

    /** @param retryAfterSeconds sent as Retry-After when positive */
    public ServiceUnavailableException(String message, int retryAfterSeconds, Throwable cause) {
        super(message, cause);
        this.retryAfterSeconds = retryAfterSeconds;
    }

    @Override
    public int status() {
        return 503;
    }

    @Override
    public Map<String, String> headers() {
        return retryAfterSeconds > 0 ? Map.of("Retry-After", Integer.toString(retryAfterSeconds)) : Map.of();
    }
}
