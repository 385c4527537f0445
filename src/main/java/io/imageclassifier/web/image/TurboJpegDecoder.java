package io.imageclassifier.web.image;

import java.util.logging.Level;
import java.util.logging.Logger;
import org.libjpegturbo.turbojpeg.TJ;
import org.libjpegturbo.turbojpeg.TJDecompressor;
import org.libjpegturbo.turbojpeg.TJException;
import org.libjpegturbo.turbojpeg.TJScalingFactor;

/**
 * Decodes JPEGs with libjpeg-turbo through its own Java API (Debian's libturbojpeg-java). It is
 * the library Pillow decodes with, with the same defaults (accurate integer DCT, smooth chroma
 * upsampling), so the pixels are Pillow's; and it is several times faster than ImageIO's JPEG
 * reader, which is libjpeg 6b without SIMD.
 *
 * <p>Only {@link #loadIfAvailable()} touches the library's classes before it is known to load:
 * without the jar or the native library the service falls back to ImageIO.
 */
final class TurboJpegDecoder {

    private static final Logger LOG = Logger.getLogger(TurboJpegDecoder.class.getName());
    /** A warning means damaged data (libjpeg fills the rest with gray); Pillow refuses such files too. */
    private static final int FLAGS = TJ.FLAG_STOPONWARNING;

    /** libjpeg-turbo's DCT scaling factors (1/8 to 2). */
    private final TJScalingFactor[] scalingFactors;

    private TurboJpegDecoder(TJScalingFactor[] scalingFactors) {
        this.scalingFactors = scalingFactors;
    }

    /** The decoder, or null (with one log line saying why) when libjpeg-turbo cannot be loaded. */
    static TurboJpegDecoder loadIfAvailable() {
        try {
            new TJDecompressor().close();
            return new TurboJpegDecoder(TJ.getScalingFactors());
        } catch (LinkageError | TJException e) {
            LOG.log(Level.WARNING, "libjpeg-turbo is not available (" + e + "); JPEGs are decoded by ImageIO, which"
                    + " is several times slower and not bit-for-bit Pillow's. Install libturbojpeg-java and"
                    + " libturbojpeg0-dev and put /usr/share/java/turbojpeg.jar into Tomcat's lib/ (scripts/setup does).");
            return null;
        }
    }

    /** A JPEG whose header has been read; {@link #close()} frees the native decoder. */
    Jpeg open(byte[] jpeg) {
        TJDecompressor decompressor;
        try {
            decompressor = new TJDecompressor();
        } catch (TJException e) {
            throw new IllegalStateException("libjpeg-turbo could not start a decoder", e);
        }
        try {
            decompressor.setSourceImage(jpeg, jpeg.length);
            return new Jpeg(decompressor, scalingFactors);
        } catch (TJException e) {
            closeQuietly(decompressor);   // now: its native memory would otherwise wait for the GC
            throw new UnreadableImageException("the JPEG could not be decoded (" + e.getMessage() + ")", e);
        }
    }

    static final class Jpeg implements AutoCloseable {
        private final TJDecompressor decompressor;
        private final TJScalingFactor[] scalingFactors;
        /** The size it decodes to: the stored size, unless {@link #scaleDownTo} chose a smaller one. */
        private int width;
        private int height;

        private Jpeg(TJDecompressor decompressor, TJScalingFactor[] scalingFactors) {
            this.decompressor = decompressor;
            this.scalingFactors = scalingFactors;
            this.width = decompressor.getWidth();
            this.height = decompressor.getHeight();
        }

        /** The size the header declares. */
        int storedWidth() {
            return decompressor.getWidth();
        }

        int storedHeight() {
            return decompressor.getHeight();
        }

        /** The size {@link #decodeRgb} returns. */
        int width() {
            return width;
        }

        int height() {
            return height;
        }

        /** Bytes per pixel that {@link #decodeRgb} allocates on its way to RGB. */
        int decodedBytesPerPixel() {
            return isCmyk() ? 4 + 3 : 3;
        }

        /**
         * Chooses to decode at the smallest of 1/2, 1/4 and 1/8 that leaves at least
         * {@code minWidth x minHeight} pixels: libjpeg-turbo's reduced inverse DCT then produces
         * the smaller image directly, skipping most of the decoding work. Its other factors (7/8,
         * 3/4, ...) measured no faster than a full decode. The pixels are no longer Pillow's
         * (Pillow decodes at full size unless asked for a draft).
         */
        void scaleDownTo(int minWidth, int minHeight) {
            for (TJScalingFactor factor : scalingFactors) {
                if (factor.getNum() != 1 || factor.getDenom() == 1) {
                    continue;
                }
                int w = factor.getScaled(decompressor.getWidth());
                int h = factor.getScaled(decompressor.getHeight());
                if (w >= minWidth && h >= minHeight && (long) w * h < (long) width * height) {
                    width = w;
                    height = h;
                }
            }
        }

        /** Interleaved 8-bit RGB, as Pillow's {@code convert("RGB")} of the decoded image gives it. */
        byte[] decodeRgb() {
            try {
                if (!isCmyk()) {
                    return decompress(TJ.PF_RGB, 3);
                }
                return cmykToRgb(decompress(TJ.PF_CMYK, 4));
            } catch (TJException e) {
                throw new UnreadableImageException("the image data is damaged: " + e.getMessage(), e);
            }
        }

        private boolean isCmyk() {
            int colorspace = decompressor.getColorspace();
            return colorspace == TJ.CS_CMYK || colorspace == TJ.CS_YCCK;
        }

        private byte[] decompress(int pixelFormat, int channels) throws TJException {
            byte[] pixels = new byte[width * height * channels];
            // Asked for width x height, libjpeg-turbo picks the scaling factor that yields exactly that.
            decompressor.decompress(pixels, 0, 0, width, 0, height, pixelFormat, FLAGS);
            return pixels;
        }

        @Override
        public void close() {
            closeQuietly(decompressor);
        }
    }

    private static void closeQuietly(TJDecompressor decompressor) {
        try {
            decompressor.close();
        } catch (TJException e) {
            LOG.log(Level.FINE, "closing a TurboJPEG decompressor", e);
        }
    }

    /**
     * CMYK as Pillow turns it into RGB: it reads CMYK JPEGs with Adobe's inverted polarity
     * ("CMYK;I") and then computes each channel as {@code (255 - k) - c * (255 - k) / 255},
     * rounded with its MULDIV255.
     */
    static byte[] cmykToRgb(byte[] cmyk) {
        byte[] rgb = new byte[cmyk.length / 4 * 3];
        for (int i = 0, o = 0; i < cmyk.length; i += 4, o += 3) {
            int notK = cmyk[i + 3] & 0xFF;   // inverted K: 255 - k
            rgb[o] = (byte) (notK - mulDiv255(255 - (cmyk[i] & 0xFF), notK));
            rgb[o + 1] = (byte) (notK - mulDiv255(255 - (cmyk[i + 1] & 0xFF), notK));
            rgb[o + 2] = (byte) (notK - mulDiv255(255 - (cmyk[i + 2] & 0xFF), notK));
        }
        return rgb;
    }

    /** Pillow's MULDIV255: a * b / 255, rounded, without a division. */
    private static int mulDiv255(int a, int b) {
        int t = a * b + 128;
        return ((t >> 8) + t) >> 8;
    }
}
