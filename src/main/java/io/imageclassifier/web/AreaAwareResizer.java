package io.imageclassifier.web;

/**
 * Resizes interleaved 8-bit RGB the way Pillow's {@code Image.resize} does (bicubic, a = -0.5).
 *
 * <p>When shrinking, the filter is stretched by the scale factor so every output pixel averages
 * the whole area of input pixels it covers. Plain bilinear sampling of a large photo reads only a
 * few input pixels per output pixel, aliases, and measurably changes the model's predictions.
 * Like Pillow, it runs one horizontal and one vertical pass, rounding to 8 bits after each.
 */
final class AreaAwareResizer {

    private static final double BICUBIC_A = -0.5;
    private static final double BICUBIC_SUPPORT = 2.0;
    private static final int CHANNELS = 3;

    private AreaAwareResizer() {
    }

    static byte[] resize(byte[] rgb, int inWidth, int inHeight, int outWidth, int outHeight) {
        if (rgb.length != inWidth * inHeight * CHANNELS) {
            throw new IllegalArgumentException("expected " + inWidth * inHeight * CHANNELS + " bytes");
        }
        if (inWidth == outWidth && inHeight == outHeight) {
            return rgb.clone();
        }
        byte[] horizontal = resampleRows(rgb, inWidth, inHeight, outWidth);
        return resampleColumns(horizontal, outWidth, inHeight, outHeight);
    }

    private static byte[] resampleRows(byte[] in, int inWidth, int height, int outWidth) {
        Kernel kernel = Kernel.forAxis(inWidth, outWidth);
        byte[] out = new byte[outWidth * height * CHANNELS];
        for (int y = 0; y < height; y++) {
            int rowStart = y * inWidth * CHANNELS;
            for (int x = 0; x < outWidth; x++) {
                int first = kernel.first[x];
                double r = 0, g = 0, b = 0;
                for (int k = 0; k < kernel.count[x]; k++) {
                    double w = kernel.weights[x][k];
                    int p = rowStart + (first + k) * CHANNELS;
                    r += w * (in[p] & 0xFF);
                    g += w * (in[p + 1] & 0xFF);
                    b += w * (in[p + 2] & 0xFF);
                }
                int o = (y * outWidth + x) * CHANNELS;
                out[o] = clampToByte(r);
                out[o + 1] = clampToByte(g);
                out[o + 2] = clampToByte(b);
            }
        }
        return out;
    }

    private static byte[] resampleColumns(byte[] in, int width, int inHeight, int outHeight) {
        Kernel kernel = Kernel.forAxis(inHeight, outHeight);
        byte[] out = new byte[width * outHeight * CHANNELS];
        int stride = width * CHANNELS;
        for (int y = 0; y < outHeight; y++) {
            int first = kernel.first[y];
            double[] weights = kernel.weights[y];
            for (int x = 0; x < stride; x++) {
                double sum = 0;
                for (int k = 0; k < kernel.count[y]; k++) {
                    sum += weights[k] * (in[(first + k) * stride + x] & 0xFF);
                }
                out[y * stride + x] = clampToByte(sum);
            }
        }
        return out;
    }

    private static byte clampToByte(double value) {
        long rounded = Math.round(value);
        return (byte) (rounded < 0 ? 0 : rounded > 255 ? 255 : rounded);
    }

    /** For each output position: the first input index it reads and the normalised weights. */
    private static final class Kernel {
        final int[] first;
        final int[] count;
        final double[][] weights;

        private Kernel(int outSize) {
            first = new int[outSize];
            count = new int[outSize];
            weights = new double[outSize][];
        }

        /** Same arithmetic as Pillow's precompute_coeffs, so results match it to rounding. */
        static Kernel forAxis(int inSize, int outSize) {
            double scale = (double) inSize / outSize;
            double filterScale = Math.max(scale, 1.0);
            double support = BICUBIC_SUPPORT * filterScale;
            Kernel kernel = new Kernel(outSize);
            for (int i = 0; i < outSize; i++) {
                double center = (i + 0.5) * scale;
                int min = Math.max((int) (center - support + 0.5), 0);
                int max = Math.min((int) (center + support + 0.5), inSize);
                double[] w = new double[max - min];
                double total = 0;
                for (int k = 0; k < w.length; k++) {
                    w[k] = bicubic((k + min - center + 0.5) / filterScale);
                    total += w[k];
                }
                if (total != 0) {
                    for (int k = 0; k < w.length; k++) {
                        w[k] /= total;
                    }
                }
                kernel.first[i] = min;
                kernel.count[i] = w.length;
                kernel.weights[i] = w;
            }
            return kernel;
        }

        private static double bicubic(double x) {
            x = Math.abs(x);
            if (x < 1.0) {
                return ((BICUBIC_A + 2.0) * x - (BICUBIC_A + 3.0)) * x * x + 1;
            }
            if (x < 2.0) {
                return (((x - 5) * x + 8) * x - 4) * BICUBIC_A;
            }
            return 0.0;
        }
    }
}
