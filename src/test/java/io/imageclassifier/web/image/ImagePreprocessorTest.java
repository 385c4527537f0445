package io.imageclassifier.web.image;

import static io.imageclassifier.web.image.TestImages.BLACK;
import static io.imageclassifier.web.image.TestImages.BLUE;
import static io.imageclassifier.web.image.TestImages.RED;
import static io.imageclassifier.web.image.TestImages.WHITE;
import static io.imageclassifier.web.image.TestImages.bmp;
import static io.imageclassifier.web.image.TestImages.gif;
import static io.imageclassifier.web.image.TestImages.jpeg;
import static io.imageclassifier.web.image.TestImages.paint;
import static io.imageclassifier.web.image.TestImages.png;
import static io.imageclassifier.web.image.TestImages.rgb;
import static io.imageclassifier.web.image.TestImages.solid;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ImagePreprocessorTest {

    private static final int SIZE = 224;
    private static final long DEFAULT_MAX_PIXELS = 60_000_000L;

    private final ImagePreprocessor preprocessor = preprocessor(DEFAULT_MAX_PIXELS);

    /** A preprocessor to the model's size whose decode budget (1 GB, no waiting) never gets in the way. */
    static ImagePreprocessor preprocessor(int size, long maxPixels) {
        return new ImagePreprocessor(size, size, maxPixels, new DecodeMemoryBudget(1L << 30), Duration.ZERO,
                NativeDecoders.load());
    }

    private static ImagePreprocessor preprocessor(long maxPixels) {
        return preprocessor(SIZE, maxPixels);
    }

    // --- output layout -----------------------------------------------------------------------

    @Test
    void outputIsModelSizedInterleavedRgb() {
        byte[] out = preprocessor.toModelInput(png(solid(640, 480, RED)));

        assertEquals(SIZE * SIZE * 3, out.length);
    }

    @ParameterizedTest(name = "0x{0}")
    @ValueSource(strings = {"FF0000", "00FF00", "0000FF", "0A64C8"})
    void solidColourKeepsItsChannelsInRgbOrderAtEveryPixel(String hex) {
        int color = Integer.parseInt(hex, 16);

        byte[] out = preprocessor.toModelInput(png(solid(300, 200, color)));

        assertEveryPixelIn(out, 0, SIZE, 0, SIZE, color);
    }

    @Test
    void leftAndRightHalvesStayLeftAndRightAfterResize() {
        BufferedImage redLeftBlueRight = rgb(448, 224, (x, y) -> x < 224 ? RED : BLUE);

        byte[] out = preprocessor.toModelInput(png(redLeftBlueRight));

        assertEveryPixelIn(out, 0, 100, 0, SIZE, RED);
        assertEveryPixelIn(out, 124, SIZE, 0, SIZE, BLUE);
    }

    @Test
    void topAndBottomHalvesStayTopAndBottomAfterResize() {
        BufferedImage redTopBlueBottom = rgb(224, 448, (x, y) -> y < 224 ? RED : BLUE);

        byte[] out = preprocessor.toModelInput(png(redTopBlueBottom));

        assertEveryPixelIn(out, 0, SIZE, 0, 100, RED);
        assertEveryPixelIn(out, 0, SIZE, 124, SIZE, BLUE);
    }

    @Test
    void imageAlreadyAtModelSizePassesThroughUnchanged() {
        Random random = new Random(7);
        BufferedImage noise = rgb(SIZE, SIZE, (x, y) -> random.nextInt(0x1000000));

        byte[] out = preprocessor.toModelInput(png(noise));

        assertArrayEquals(rgbBytesOf(noise), out);
    }

    @Test
    void upscalesASmallImage() {
        byte[] out = preprocessor.toModelInput(png(solid(3, 2, 0x336699)));

        assertEveryPixelIn(out, 0, SIZE, 0, SIZE, 0x336699);
    }

    @Test
    void shrinkingAFineCheckerboardAveragesToMidGrayInsteadOfAliasing() {
        BufferedImage checkerboard = rgb(1000, 1000, (x, y) -> (x + y) % 2 == 0 ? BLACK : WHITE);

        byte[] out = preprocessor.toModelInput(png(checkerboard));

        // A sampling resize would read single input pixels and give black, white or moire stripes.
        for (int i = 0; i < out.length; i++) {
            int value = out[i] & 0xFF;
            assertTrue(value >= 117 && value <= 137, "byte " + i + " is " + value + ", expected about 127");
        }
    }

    // --- colour models -----------------------------------------------------------------------

    @Test
    void grayscaleValueIsCopiedToAllThreeChannelsWithoutBrightening() {
        BufferedImage gray = new BufferedImage(50, 40, BufferedImage.TYPE_BYTE_GRAY);
        fillBand(gray, 100);

        byte[] out = preprocessor.toModelInput(png(gray));

        assertEveryPixelIn(out, 0, SIZE, 0, SIZE, 0x646464);
    }

    @Test
    void sixteenBitGrayscaleIsClippedToEightBitsAsPillowConvertsIt() {
        // Pillow reads 16-bit gray as integers (mode I); convert("RGB") clips them to 0..255.
        BufferedImage dark = new BufferedImage(50, 40, BufferedImage.TYPE_USHORT_GRAY);
        fillBand(dark, 100);
        BufferedImage bright = new BufferedImage(50, 40, BufferedImage.TYPE_USHORT_GRAY);
        fillBand(bright, 100 * 257);

        assertEveryPixelIn(preprocessor.toModelInput(png(dark)), 0, SIZE, 0, SIZE, 0x646464);
        assertEveryPixelIn(preprocessor.toModelInput(png(bright)), 0, SIZE, 0, SIZE, 0xFFFFFF);
    }

    @Test
    void paletteImageBecomesItsPaletteColours() {
        byte[] reds = {(byte) 255, 0};
        byte[] greens = {(byte) 128, (byte) 128};
        byte[] blues = {0, (byte) 128};
        BufferedImage palette = new BufferedImage(448, 224, BufferedImage.TYPE_BYTE_INDEXED,
                new IndexColorModel(8, 2, reds, greens, blues));
        for (int y = 0; y < palette.getHeight(); y++) {
            for (int x = 0; x < palette.getWidth(); x++) {
                palette.getRaster().setSample(x, y, 0, x < 224 ? 0 : 1);
            }
        }

        byte[] out = preprocessor.toModelInput(png(palette));

        assertEveryPixelIn(out, 0, 100, 0, SIZE, 0xFF8000);
        assertEveryPixelIn(out, 124, SIZE, 0, SIZE, 0x008080);
    }

    @Test
    void alphaIsDroppedNotBlended() {
        BufferedImage halfTransparent = paint(new BufferedImage(60, 60, BufferedImage.TYPE_INT_ARGB),
                (x, y) -> 0x80C86432);

        byte[] out = preprocessor.toModelInput(png(halfTransparent));

        assertEveryPixelIn(out, 0, SIZE, 0, SIZE, 0xC86432);
    }

    // --- formats -----------------------------------------------------------------------------

    @Test
    void decodesGif() {
        BufferedImage indexed = paint(new BufferedImage(448, 224, BufferedImage.TYPE_BYTE_INDEXED),
                (x, y) -> x < 224 ? RED : BLUE);

        byte[] out = preprocessor.toModelInput(gif(indexed));

        assertEveryPixelIn(out, 0, 100, 0, SIZE, RED);
        assertEveryPixelIn(out, 124, SIZE, 0, SIZE, BLUE);
    }

    @Test
    void decodesBmp() {
        BufferedImage image = paint(new BufferedImage(448, 224, BufferedImage.TYPE_3BYTE_BGR),
                (x, y) -> x < 224 ? RED : BLUE);

        byte[] out = preprocessor.toModelInput(bmp(image));

        assertEveryPixelIn(out, 0, 100, 0, SIZE, RED);
        assertEveryPixelIn(out, 124, SIZE, 0, SIZE, BLUE);
    }

    @Test
    void decodesJpegToNearlyTheSameColour() {
        byte[] out = preprocessor.toModelInput(jpeg(solid(300, 300, 0xC86432)));

        for (int i = 0; i < out.length; i += 3) {
            assertNear(200, out[i], "red");
            assertNear(100, out[i + 1], "green");
            assertNear(50, out[i + 2], "blue");
        }
    }

    @Test
    void rejectsWbmpWhoseLooseHeaderRandomBytesWouldPassAsUnreadable() {
        BufferedImage binary = new BufferedImage(32, 32, BufferedImage.TYPE_BYTE_BINARY);
        byte[] upload = TestImages.encode(binary, "wbmp");

        UnreadableImageException error = assertUnreadable(upload);

        assertTrue(error.getMessage().contains("JPEG, PNG, GIF, BMP, TIFF or WebP"), error.getMessage());
    }

    @Test
    void readsTiff() {
        byte[] upload = TestImages.encode(solid(40, 30, RED), "tiff");

        assertEveryPixelIn(preprocessor.toModelInput(upload), 0, SIZE, 0, SIZE, RED);
    }

    @Test
    void refusesWebPAsUnreadableWhereLibwebpIsMissing() {
        ImagePreprocessor withoutLibwebp = new ImagePreprocessor(SIZE, SIZE, DEFAULT_MAX_PIXELS,
                new DecodeMemoryBudget(1L << 30), Duration.ZERO, NativeDecoders.NONE);
        byte[] webpHeader = "RIFF\0\0\0\0WEBPVP8 ".getBytes(StandardCharsets.US_ASCII);

        UnreadableImageException error = assertThrows(UnreadableImageException.class, () -> withoutLibwebp.toModelInput(webpHeader));

        assertTrue(error.getMessage().contains("libwebp"), error.getMessage());
    }

    @Test
    void rejectsADamagedWebPAsUnreadable() {
        byte[] webpHeader = "RIFF\0\0\0\0WEBPVP8 garbage".getBytes(StandardCharsets.US_ASCII);

        assertUnreadable(webpHeader);
    }

    // --- broken uploads ----------------------------------------------------------------------

    @Test
    void rejectsEmptyUploadAsUnreadable() {
        assertUnreadable(new byte[0]);
    }

    @Test
    void rejectsRandomBytesAsUnreadable() {
        byte[] noise = new byte[4096];
        new Random(1).nextBytes(noise);

        assertUnreadable(noise);
    }

    @Test
    void rejectsTextAsUnreadable() {
        assertUnreadable("this is a cat, trust me\n".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void rejectsTruncatedJpegAsUnreadable() {
        byte[] whole = jpeg(rgb(300, 300, (x, y) -> (x * 7 + y * 13) << 8 | x));

        UnreadableImageException error = assertUnreadable(Arrays.copyOf(whole, whole.length / 2));

        assertTrue(error.getMessage().contains("damaged"), error.getMessage());
    }

    @Test
    void rejectsTruncatedPngAsUnreadable() {
        Random random = new Random(3);
        byte[] whole = png(rgb(300, 300, (x, y) -> random.nextInt(0x1000000)));

        assertUnreadable(Arrays.copyOf(whole, whole.length / 2));
    }

    @Test
    void rejectsPngSignatureFollowedByGarbageAsUnreadable() {
        byte[] upload = Arrays.copyOf(png(solid(10, 10, RED)), 200);
        Arrays.fill(upload, 8, upload.length, (byte) 0x5A);

        assertUnreadable(upload);
    }

    // --- size limit --------------------------------------------------------------------------

    @Test
    void rejectsImageWithMorePixelsThanAllowedAsTooLarge() {
        ImagePreprocessor strict = preprocessor(9_999);

        ImageTooLargeException error = assertThrows(ImageTooLargeException.class,
                () -> strict.toModelInput(png(solid(100, 100, RED))));

        assertTrue(error.getMessage().contains("100x100"), error.getMessage());
    }

    @Test
    void acceptsImageWithExactlyTheAllowedPixelCount() {
        ImagePreprocessor strict = preprocessor(10_000);

        assertEquals(SIZE * SIZE * 3, strict.toModelInput(png(solid(100, 100, RED))).length);
    }

    @Test
    void dctScalingOfALargeJpegStaysCloseToTheFullDecode() {
        byte[] photo = jpeg(rgb(1600, 1200, (x, y) -> ((x / 6) & 0xFF) << 16 | ((y / 5) & 0xFF) << 8 | ((x + y) / 11 & 0xFF)));
        ImagePreprocessor scaling = new ImagePreprocessor(SIZE, SIZE, DEFAULT_MAX_PIXELS, new DecodeMemoryBudget(1L << 30),
                Duration.ZERO, NativeDecoders.load(), true);

        byte[] full = preprocessor.toModelInput(photo);
        byte[] scaled = scaling.toModelInput(photo);

        long total = 0;
        for (int i = 0; i < full.length; i++) {
            total += Math.abs((full[i] & 0xFF) - (scaled[i] & 0xFF));
        }
        assertTrue(total > 0, "decoded at a reduced size, so not exactly the full decode");
        assertTrue(total / (double) full.length < 2.0, "mean difference " + total / (double) full.length);
    }

    // --- decode memory budget ------------------------------------------------------------------

    @Test
    void reservesTheDecodeMemoryOnlyWhileDecodingAndReleasesItAfterwards() {
        DecodeMemoryBudget budget = new DecodeMemoryBudget(64L << 20);
        ImagePreprocessor budgeted = new ImagePreprocessor(SIZE, SIZE, DEFAULT_MAX_PIXELS, budget, Duration.ZERO,
                NativeDecoders.load());

        byte[] damaged = jpeg(rgb(640, 480, (x, y) -> (x * 7 + y * 13) << 8 | x));

        budgeted.toModelInput(png(solid(640, 480, RED)));
        assertThrows(UnreadableImageException.class, () -> budgeted.toModelInput(Arrays.copyOf(damaged, damaged.length / 2)));

        assertEquals(0, budget.reservedBytes());
    }

    @Test
    void refusesAsBusyWhenOtherDecodesHoldTheMemoryTooLong() {
        DecodeMemoryBudget budget = new DecodeMemoryBudget(4L << 20);
        ImagePreprocessor budgeted = new ImagePreprocessor(SIZE, SIZE, DEFAULT_MAX_PIXELS, budget,
                Duration.ofMillis(50), NativeDecoders.NONE);
        byte[] photo = png(solid(640, 480, RED));   // 640x480: about 2.5 MB of 4 MB

        try (DecodeMemoryBudget.Reservation other = budget.reserve(3L << 20, Duration.ZERO)) {
            DecodeMemoryBusyException busy = assertThrows(DecodeMemoryBusyException.class,
                    () -> budgeted.toModelInput(photo));
            assertTrue(busy.getMessage().contains("busy decoding other large images"), busy.getMessage());
        }
        assertEquals(SIZE * SIZE * 3, budgeted.toModelInput(photo).length);
    }

    @Test
    void rejectsAsTooLargeAnImageThatNeedsMoreThanTheWholeBudget() {
        DecodeMemoryBudget budget = new DecodeMemoryBudget(1L << 20);
        ImagePreprocessor budgeted = new ImagePreprocessor(SIZE, SIZE, DEFAULT_MAX_PIXELS, budget, Duration.ofSeconds(5), NativeDecoders.NONE);

        ImageTooLargeException tooLarge = assertThrows(ImageTooLargeException.class,
                () -> budgeted.toModelInput(png(solid(1000, 1000, RED))));

        assertTrue(tooLarge.getMessage().contains("image.decode.budget.mb"), tooLarge.getMessage());
    }

    @Test
    void rejectsHugeDeclaredSizeFromTheHeaderWithoutDecoding() throws IOException {
        byte[] headerOnly = pngHeader(100_000, 100_000);

        assertThrows(ImageTooLargeException.class, () -> preprocessor.toModelInput(headerOnly));
    }

    // --- helpers -----------------------------------------------------------------------------

    private UnreadableImageException assertUnreadable(byte[] upload) {
        return assertThrows(UnreadableImageException.class, () -> preprocessor.toModelInput(upload));
    }

    /** Every pixel with xFrom <= x < xTo and yFrom <= y < yTo of a model-sized output is {@code color}. */
    private static void assertEveryPixelIn(byte[] out, int xFrom, int xTo, int yFrom, int yTo, int color) {
        for (int y = yFrom; y < yTo; y++) {
            for (int x = xFrom; x < xTo; x++) {
                int o = (y * SIZE + x) * 3;
                int actual = (out[o] & 0xFF) << 16 | (out[o + 1] & 0xFF) << 8 | (out[o + 2] & 0xFF);
                if (actual != color) {
                    assertEquals(String.format("%06X", color), String.format("%06X", actual),
                            "pixel (" + x + ", " + y + ")");
                }
            }
        }
    }

    private static void assertNear(int expected, byte actual, String channel) {
        int value = actual & 0xFF;
        assertTrue(Math.abs(value - expected) <= 3, channel + " is " + value + ", expected about " + expected);
    }

    private static void fillBand(BufferedImage image, int sample) {
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                image.getRaster().setSample(x, y, 0, sample);
            }
        }
    }

    private static byte[] rgbBytesOf(BufferedImage image) {
        byte[] rgb = new byte[image.getWidth() * image.getHeight() * 3];
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int pixel = image.getRGB(x, y);
                int o = (y * image.getWidth() + x) * 3;
                rgb[o] = (byte) (pixel >> 16);
                rgb[o + 1] = (byte) (pixel >> 8);
                rgb[o + 2] = (byte) pixel;
            }
        }
        return rgb;
    }

    /** A PNG signature and IHDR chunk declaring an 8-bit RGB image of the given size, and no pixel data. */
    private static byte[] pngHeader(int width, int height) throws IOException {
        ByteArrayOutputStream chunkBody = new ByteArrayOutputStream();
        DataOutputStream ihdr = new DataOutputStream(chunkBody);
        ihdr.writeBytes("IHDR");
        ihdr.writeInt(width);
        ihdr.writeInt(height);
        ihdr.write(new byte[] {8, 2, 0, 0, 0});
        CRC32 crc = new CRC32();
        crc.update(chunkBody.toByteArray());

        ByteArrayOutputStream file = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(file);
        out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
        out.writeInt(13);
        out.write(chunkBody.toByteArray());
        out.writeInt((int) crc.getValue());
        return file.toByteArray();
    }
}
