package io.imageclassifier.web.http;

/** 504: No model daemon answered within the request timeout. */
class GatewayTimeoutException extends ApiException {

    GatewayTimeoutException(String message) {
        super(message);
    }

    GatewayTimeoutException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    int status() {
        return 504;
    }
}
