package io.imageclassifier.web;

/** 413: The upload, or the image inside it, is larger than the configured limit. */
public class PayloadTooLargeException extends ApiException {

    public PayloadTooLargeException(String message) {
        super(message);
    }

    public PayloadTooLargeException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public int status() {
        return 413;
    }
}
