package io.imageclassifier.web.image;

import java.util.Arrays;

/**
 * Resizes interleaved 8-bit RGB exactly as Pillow's {@code Image.resize} does with its default
 * bicubic filter (a = -0.5): the output is bit-for-bit Pillow's.
 *
 * <p>When shrinking, the filter's support is widened by the scale factor so every output pixel
 * averages the whole area of input pixels it covers. Plain bilinear sampling of a large photo reads
 * only a few input pixels per output pixel, aliases, and measurably changes the model's predictions.
 *
 * <p>To give the model the same pixels Pillow would, this follows Pillow's 8-bit path
 * (libImaging/Resample.c) step by step: weights computed in double, then turned into 22-bit
 * fixed-point ints; a horizontal pass, then a vertical pass, each rounding to 8 bits. Summing in
 * double instead, as an earlier version did, left a few bytes per image off by one.
 */
final class AreaAwareResizer {

    private static final int CHANNELS = 3;
    /** Half-width of the bicubic kernel, in input pixels, when not shrinking. */
    private static final double BICUBIC_SUPPORT = 2.0;
    /** 32 bits less 8 for the pixel and 2 so sums pushed past 0..255 by negative lobes still fit. */
    private static final int PRECISION_BITS = 32 - 8 - 2;
    /** Sums start at one half so that the final shift rounds to nearest rather than down. */
    private static final int HALF = 1 << (PRECISION_BITS - 1);

    private AreaAwareResizer() {
    }

    static byte[] resize(byte[] rgb, int inWidth, int inHeight, int outWidth, int outHeight) {
        if (inWidth <= 0 || inHeight <= 0 || outWidth <= 0 || outHeight <= 0) {
            throw new IllegalArgumentException("sizes must be positive: " + inWidth + "x" + inHeight
                    + " to " + outWidth + "x" + outHeight);
        }
        if (rgb.length != (long) inWidth * inHeight * CHANNELS) {
            throw new IllegalArgumentException("expected " + (long) inWidth * inHeight * CHANNELS + " bytes");
        }
        if (inWidth == outWidth && inHeight == outHeight) {
            return rgb.clone();
        }
        // Like Pillow, skip the pass for an axis that keeps its size.
        if (inHeight == outHeight) {
            return resampleRows(rgb, inWidth, 0, inHeight, Kernel.forAxis(inWidth, outWidth));
        }
        Kernel columns = Kernel.forAxis(inHeight, outHeight);
        if (inWidth == outWidth) {
            return resampleColumns(rgb, inWidth, 0, columns);
        }
        // Only the input rows that some output row reads need the horizontal pass (Pillow's
        // ybox_first..ybox_last); the first and last output rows read the lowest and highest.
        int firstRow = columns.first[0];
        int endRow = columns.first[outHeight - 1] + columns.count[outHeight - 1];
        byte[] rows = resampleRows(rgb, inWidth, firstRow, endRow, Kernel.forAxis(inWidth, outWidth));
        return resampleColumns(rows, outWidth, firstRow, columns);
    }

    /** Resamples input rows {@code firstRow} (inclusive) to {@code endRow} (exclusive) to a new width. */
    private static byte[] resampleRows(byte[] in, int inWidth, int firstRow, int endRow, Kernel kernel) {
        int outWidth = kernel.first.length;
        int[] weights = kernel.weights;
        byte[] out = new byte[(endRow - firstRow) * outWidth * CHANNELS];
        int o = 0;
        for (int y = firstRow; y < endRow; y++) {
            int rowStart = y * inWidth * CHANNELS;
            for (int x = 0; x < outWidth; x++) {
                int p = rowStart + kernel.first[x] * CHANNELS;
                int w = x * kernel.stride;
                int wEnd = w + kernel.count[x];
                int r = HALF;
                int g = HALF;
                int b = HALF;
                for (; w < wEnd; w++, p += CHANNELS) {
                    int weight = weights[w];
                    r += (in[p] & 0xFF) * weight;
                    g += (in[p + 1] & 0xFF) * weight;
                    b += (in[p + 2] & 0xFF) * weight;
                }
                out[o++] = clip8(r);
                out[o++] = clip8(g);
                out[o++] = clip8(b);
            }
        }
        return out;
    }

    /**
     * Resamples columns to a new height. Row {@code i} of {@code in} is input row {@code firstRow + i},
     * because the horizontal pass only produced the rows needed here.
     */
    private static byte[] resampleColumns(byte[] in, int width, int firstRow, Kernel kernel) {
        int outHeight = kernel.first.length;
        int rowBytes = width * CHANNELS;
        int[] weights = kernel.weights;
        byte[] out = new byte[outHeight * rowBytes];
        // Walk input rows in order, adding each into one output row's sums: sequential reads beat
        // striding down columns, and int sums come out the same in any order.
        int[] sums = new int[rowBytes];
        for (int y = 0; y < outHeight; y++) {
            Arrays.fill(sums, HALF);
            int rowStart = (kernel.first[y] - firstRow) * rowBytes;
            int w = y * kernel.stride;
            int wEnd = w + kernel.count[y];
            for (; w < wEnd; w++, rowStart += rowBytes) {
                int weight = weights[w];
                for (int i = 0; i < rowBytes; i++) {
                    sums[i] += (in[rowStart + i] & 0xFF) * weight;
                }
            }
            int o = y * rowBytes;
            for (int i = 0; i < rowBytes; i++) {
                out[o + i] = clip8(sums[i]);
            }
        }
        return out;
    }

    /** Drops the fixed-point fraction (the sum already holds +1/2, so this rounds) and clamps. */
    private static byte clip8(int sum) {
        int value = sum >> PRECISION_BITS;
        return (byte) (value < 0 ? 0 : value > 255 ? 255 : value);
    }

    /**
     * For each output position along one axis: the first input index it reads, how many it reads,
     * and their fixed-point weights. Pillow's precompute_coeffs and normalize_coeffs_8bpc, with the
     * same double arithmetic in the same order, so every weight has the same last bit.
     */
    private static final class Kernel {
        final int[] first;
        final int[] count;
        /** Weights of output position {@code i} start at {@code i * stride}. */
        final int[] weights;
        final int stride;

        private Kernel(int outSize, int stride) {
            this.first = new int[outSize];
            this.count = new int[outSize];
            this.weights = new int[outSize * stride];
            this.stride = stride;
        }

        static Kernel forAxis(int inSize, int outSize) {
            double scale = (double) inSize / outSize;
            // Shrinking widens the kernel by the scale: each output pixel covers `scale` inputs.
            double filterScale = Math.max(scale, 1.0);
            double support = BICUBIC_SUPPORT * filterScale;
            Kernel kernel = new Kernel(outSize, (int) Math.ceil(support) * 2 + 1);
            // Pillow multiplies by the reciprocal rather than dividing; do the same so the doubles agree.
            double inverseScale = 1.0 / filterScale;
            double[] raw = new double[kernel.stride];
            for (int i = 0; i < outSize; i++) {
                double center = (i + 0.5) * scale;
                int min = Math.max((int) (center - support + 0.5), 0);
                int max = Math.min((int) (center + support + 0.5), inSize);
                int n = max - min;
                double total = 0.0;
                for (int k = 0; k < n; k++) {
                    raw[k] = bicubic((k + min - center + 0.5) * inverseScale);
                    total += raw[k];
                }
                int base = i * kernel.stride;
                for (int k = 0; k < n; k++) {
                    kernel.weights[base + k] = toFixedPoint(total != 0.0 ? raw[k] / total : raw[k]);
                }
                kernel.first[i] = min;
                kernel.count[i] = n;
            }
            return kernel;
        }

        /** Rounds half away from zero, as Pillow does, so negative lobes round symmetrically. */
        private static int toFixedPoint(double weight) {
            double scaled = weight * (1 << PRECISION_BITS);
            return (int) (weight < 0 ? -0.5 + scaled : 0.5 + scaled);
        }

        /** Keys' cubic with a = -0.5 in Pillow's operation order; its a + 2 and a + 3 are exactly 1.5 and 2.5. */
        private static double bicubic(double x) {
            x = Math.abs(x);
            if (x < 1.0) {
                return (1.5 * x - 2.5) * x * x + 1;
            }
            if (x < 2.0) {
                return (((x - 5) * x + 8) * x - 4) * -0.5;
            }
            return 0.0;
        }
    }
}
