package io.imageclassifier.web;

/** 503: A dependency (Redis) cannot take the request now; retrying later may work. */
public class ServiceUnavailableException extends ApiException {

    public ServiceUnavailableException(String message) {
        super(message);
    }

    public ServiceUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public int status() {
        return 503;
    }
}
