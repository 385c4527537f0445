package io.imageclassifier.web.http;

/** 504: The container's backstop timeout passed without an answer, not even the queue's own timeout. */
class GatewayTimeoutException extends ApiException {

    GatewayTimeoutException(String message) {
        super(message);
    }

    @Override
    int status() {
        return 504;
    }
}
