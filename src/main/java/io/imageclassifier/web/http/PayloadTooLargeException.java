package io.imageclassifier.web.http;

/** 413: The upload is larger than the configured limit (upload.max.bytes). */
class PayloadTooLargeException extends ApiException {

    PayloadTooLargeException(String message) {
        super(message);
    }

    @Override
    int status() {
        return 413;
    }
}
