package io.imageclassifier.web.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static io.imageclassifier.web.image.TestImages.jpeg;
import static io.imageclassifier.web.image.TestImages.rgb;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class TurboJpegDecoderTest {

    private final TurboJpegDecoder decoder = TurboJpegDecoder.loadIfAvailable();

    @Test
    void loadsWhereSetupInstalledLibjpegTurbo() {
        assertNotNull(decoder, "scripts/setup installs libturbojpeg-java and libturbojpeg0-dev");
    }

    @Test
    void readsTheSizeFromTheHeaderAndDecodesToRgb() {
        byte[] file = jpeg(rgb(40, 30, (x, y) -> 0xC81E5A));   // one colour: survives JPEG almost unchanged

        try (TurboJpegDecoder.Jpeg image = decoder.open(file)) {
            assertEquals(40, image.width());
            assertEquals(30, image.height());
            byte[] pixels = image.decodeRgb();
            assertEquals(40 * 30 * 3, pixels.length);
            assertTrue(Math.abs((pixels[0] & 0xFF) - 0xC8) <= 2 && Math.abs((pixels[2] & 0xFF) - 0x5A) <= 2,
                    "red first, blue last: " + Arrays.toString(Arrays.copyOf(pixels, 3)));
        }
    }

    @Test
    void rejectsTruncatedDataAsDamagedInsteadOfFillingItWithGray() {
        byte[] file = jpeg(rgb(200, 200, (x, y) -> (x * 7 + y * 13) << 8 | x));

        try (TurboJpegDecoder.Jpeg image = decoder.open(Arrays.copyOf(file, file.length / 2))) {
            UnreadableImageException damaged = assertThrows(UnreadableImageException.class, image::decodeRgb);
            assertTrue(damaged.getMessage().contains("damaged"), damaged.getMessage());
        }
    }

    @Test
    void scalesDownByTheLargestPowerOfTwoThatKeepsTheMinimumSize() {
        byte[] file = jpeg(rgb(2000, 1600, (x, y) -> (x / 8 & 0xFF) << 16 | (y / 8 & 0xFF) << 8));

        try (TurboJpegDecoder.Jpeg image = decoder.open(file)) {
            image.scaleDownTo(448, 448);   // 1/4 would give 500x400; 1/2 gives 1000x800

            assertEquals(1000, image.width());
            assertEquals(800, image.height());
            assertEquals(2000, image.storedWidth());
            assertEquals(1000 * 800 * 3, image.decodeRgb().length);
        }
    }

    @Test
    void neverScalesBelowTheMinimumSize() {
        byte[] file = jpeg(rgb(640, 480, (x, y) -> x << 8));

        try (TurboJpegDecoder.Jpeg image = decoder.open(file)) {
            image.scaleDownTo(448, 448);   // 1/2 would give 320x240

            assertEquals(640, image.width());
            assertEquals(480, image.height());
        }
    }

    @Test
    void convertsCmykAsPillowDoesWithAdobePolarity() {
        // Stored inverted (Adobe): 255 is no ink. No ink gives white, full K gives black, and
        // full cyan at no black gives (0, 255, 255).
        byte[] cmyk = {(byte) 255, (byte) 255, (byte) 255, (byte) 255, 10, 20, 30, 0, 0, (byte) 255, (byte) 255, (byte) 255};

        assertArrayEquals(new byte[] {(byte) 255, (byte) 255, (byte) 255, 0, 0, 0, 0, (byte) 255, (byte) 255},
                TurboJpegDecoder.cmykToRgb(cmyk));
    }
}
