package io.imageclassifier.web.image;

/** The upload is not a complete image in a supported format, or its data is damaged. */
public final class UnreadableImageException extends PreprocessingException {

    public UnreadableImageException(String message) {
        super(message);
    }

    public UnreadableImageException(String message, Throwable cause) {
        super(message, cause);
    }
}
