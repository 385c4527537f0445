package io.imageclassifier.web.http;

/** 400: The request is unusable: not multipart, without an image field, or unparsable. */
class BadRequestException extends ApiException {

    BadRequestException(String message) {
        super(message);
    }

    @Override
    int status() {
        return 400;
    }
}
