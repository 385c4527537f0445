package io.imageclassifier.web.http;

/** 400: The request or its image is unusable. */
class BadRequestException extends ApiException {

    BadRequestException(String message) {
        super(message);
    }

    BadRequestException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    int status() {
        return 400;
    }
}
