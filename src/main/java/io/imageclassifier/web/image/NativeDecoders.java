package io.imageclassifier.web.image;

/**
 * The native image libraries Pillow decodes with, each null where it cannot be loaded: without
 * libjpeg-turbo JPEGs go to ImageIO, without libwebp WebP uploads are refused.
 */
public record NativeDecoders(TurboJpegDecoder jpeg, LibWebPDecoder webp) implements AutoCloseable {

    /** Loads both; each one that is missing says so once in the log. */
    public static NativeDecoders load() {
        // Lambdas, not method references: a reference links the decoder class where it is
        // written, outside loadQuietly's catch.
        return new NativeDecoders(loadQuietly(() -> TurboJpegDecoder.loadIfAvailable(), "libjpeg-turbo"),
                loadQuietly(() -> LibWebPDecoder.loadIfAvailable(), "libwebp"));
    }

    /**
     * Without its jar in Tomcat's lib/, a decoder class cannot even be linked (it names the
     * library's types), so that failure is caught here, outside it.
     */
    private static <T> T loadQuietly(java.util.function.Supplier<T> loader, String library) {
        try {
            return loader.get();
        } catch (LinkageError e) {
            java.util.logging.Logger.getLogger(NativeDecoders.class.getName()).warning(library + " is not available ("
                    + e + "): its Java API is not in Tomcat's lib/; run scripts/setup, which links it there");
            return null;
        }
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
