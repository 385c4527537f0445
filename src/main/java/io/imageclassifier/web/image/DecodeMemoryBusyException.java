package io.imageclassifier.web.image;

/**
 * The request's time ran out while other uploads held the decode memory it needs. Worth retrying
 * shortly: the budget frees up as their decodes finish.
 */
public final class DecodeMemoryBusyException extends PreprocessingException {

    public DecodeMemoryBusyException() {
        super("the server is busy decoding other large images; try again shortly");
    }

    /** The wait was interrupted: the server is stopping. */
    public DecodeMemoryBusyException(InterruptedException cause) {
        super("the server is shutting down", cause);
    }
}
