package io.imageclassifier.web.image;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.lang.reflect.Proxy;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Decodes WebP with libwebp, the library Pillow uses, through JNA (Debian's libjna-java, linked
 * into Tomcat's lib/ like turbojpeg). The JDK has no WebP reader, and the pure-Java one tried
 * (TwelveMonkeys) differed from Pillow by 4 to 9 levels on average; libwebp's pixels are Pillow's.
 *
 * <p>Only {@link #loadIfAvailable()} touches JNA before it is known to load: without it, or
 * without libwebp, WebP uploads get a 400 that says so. JNA lives in Tomcat's class loader and
 * keeps each library it loads, with the web app's class loader, in a static cache: {@link #close()}
 * (on undeploy) takes it out again.
 */
final class LibWebPDecoder implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(LibWebPDecoder.class.getName());

    /** The three calls used, from libwebp's decode.h. size_t is 64-bit on the platforms served. */
    interface LibWebP extends Library {
        int WebPGetInfo(byte[] data, long dataSize, int[] width, int[] height);

        Pointer WebPDecodeRGB(byte[] data, long dataSize, int[] width, int[] height);

        void WebPFree(Pointer pixels);
    }

    private final LibWebP library;

    private LibWebPDecoder(LibWebP library) {
        this.library = library;
    }

    /** The decoder, or null (with one log line saying why) when JNA or libwebp cannot be loaded. */
    static LibWebPDecoder loadIfAvailable() {
        try {
            return new LibWebPDecoder(load());
        } catch (LinkageError e) {
            LOG.log(Level.WARNING, "libwebp is not available (" + e + "); WebP uploads are refused. Install"
                    + " libwebp7, libjna-java and libjna-jni and put /usr/share/java/jna.jar into Tomcat's lib/"
                    + " (scripts/setup does).");
            return null;
        }
    }

    /**
     * Debian ships libwebp.so only in libwebp-dev; the runtime package has libwebp.so.7. JNA starts
     * its JVM-wide cleaner thread on the first load, which inherits this thread's context class
     * loader: JNA's own is used, so the thread does not pin the web app (Tomcat would warn).
     */
    private static LibWebP load() {
        Thread thread = Thread.currentThread();
        ClassLoader webApp = thread.getContextClassLoader();
        thread.setContextClassLoader(Native.class.getClassLoader());
        try {
            return Native.load("webp", LibWebP.class);
        } catch (UnsatisfiedLinkError unversionedMissing) {
            return Native.load("libwebp.so.7", LibWebP.class);
        } finally {
            thread.setContextClassLoader(webApp);
        }
    }

    /** Drops libwebp from JNA's cache of loaded libraries. */
    @Override
    public void close() {
        ((Library.Handler) Proxy.getInvocationHandler(library)).getNativeLibrary().close();
    }

    /** Width and height from the header, before anything is decoded. */
    int[] size(byte[] webp) {
        int[] width = new int[1];
        int[] height = new int[1];
        if (library.WebPGetInfo(webp, webp.length, width, height) == 0) {
            throw new UnreadableImageException("the WebP image could not be decoded (damaged header)");
        }
        return new int[] {width[0], height[0]};
    }

    /**
     * Interleaved 8-bit RGB; alpha, if any, is dropped as Pillow's {@code convert("RGB")} does.
     * libwebp decodes into memory of its own, copied out and freed here.
     */
    byte[] decodeRgb(byte[] webp) {
        int[] width = new int[1];
        int[] height = new int[1];
        Pointer pixels = library.WebPDecodeRGB(webp, webp.length, width, height);
        if (pixels == null) {
            throw new UnreadableImageException("the WebP image could not be decoded (damaged, or an animation, which is"
                    + " not supported)");
        }
        try {
            return pixels.getByteArray(0, width[0] * height[0] * 3);
        } finally {
            library.WebPFree(pixels);
        }
    }
}
