package io.imageclassifier.web;

/**
 * The native image libraries Pillow decodes with, each null where it cannot be loaded: without
 * libjpeg-turbo JPEGs go to ImageIO, without libwebp WebP uploads are refused.
 */
record NativeDecoders(TurboJpegDecoder jpeg, LibWebPDecoder webp) implements AutoCloseable {

    /** Loads both; each one that is missing says so once in the log. */
    static NativeDecoders load() {
        return new NativeDecoders(TurboJpegDecoder.loadIfAvailable(), LibWebPDecoder.loadIfAvailable());
    }

    static final NativeDecoders NONE = new NativeDecoders(null, null);

    /** On undeploy: what JNA keeps of this web app goes. */
    @Override
    public void close() {
        if (webp != null) {
            webp.close();
        }
    }
}
