package io.imageclassifier.web;

/** 504: No model daemon answered within the request timeout. */
public class GatewayTimeoutException extends ApiException {

    public GatewayTimeoutException(String message) {
        super(message);
    }

    public GatewayTimeoutException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public int status() {
        return 504;
    }
}
