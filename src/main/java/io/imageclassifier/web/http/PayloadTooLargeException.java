package io.imageclassifier.web.http;

/** 413: The upload, or the image inside it, is larger than the configured limit. */
class PayloadTooLargeException extends ApiException {

    PayloadTooLargeException(String message) {
        super(message);
    }

    PayloadTooLargeException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    int status() {
        return 413;
    }
}
