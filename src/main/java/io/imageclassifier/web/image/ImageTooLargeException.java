package io.imageclassifier.web.image;

/** The image has more pixels than allowed, or decoding it would take more memory than the whole decode budget. */
public final class ImageTooLargeException extends PreprocessingException {

    public ImageTooLargeException(String message) {
        super(message);
    }
}
