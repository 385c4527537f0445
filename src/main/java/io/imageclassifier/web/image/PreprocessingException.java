package io.imageclassifier.web.image;

/**
 * Why an upload could not be turned into the model's input. The message is written for the one
 * who sent the image; the status it is answered with is the HTTP layer's to decide ({@code HttpErrors}).
 */
public abstract sealed class PreprocessingException extends RuntimeException
        permits UnreadableImageException, ImageTooLargeException, DecodeMemoryBusyException {

    PreprocessingException(String message) {
        super(message);
    }

    PreprocessingException(String message, Throwable cause) {
        super(message, cause);
    }
}
