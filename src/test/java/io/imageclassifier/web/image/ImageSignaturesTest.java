package io.imageclassifier.web.image;

import static io.imageclassifier.web.image.TestImages.RED;
import static io.imageclassifier.web.image.TestImages.jpeg;
import static io.imageclassifier.web.image.TestImages.png;
import static io.imageclassifier.web.image.TestImages.solid;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ImageSignaturesTest {

    private static final byte[] WEBP_HEADER = "RIFF\0\0\0\0WEBPVP8 ".getBytes(StandardCharsets.US_ASCII);

    @Test
    void recognisesAJpegByItsFirstBytes() {
        assertTrue(ImageSignatures.isJpeg(jpeg(solid(8, 8, RED))));
        assertFalse(ImageSignatures.isJpeg(png(solid(8, 8, RED))));
        assertFalse(ImageSignatures.isJpeg(WEBP_HEADER));
    }

    @Test
    void recognisesAWebPByItsRiffTypeNotByRiffAlone() {
        assertTrue(ImageSignatures.isWebP(WEBP_HEADER));
        assertFalse(ImageSignatures.isWebP("RIFF\0\0\0\0WAVEfmt ".getBytes(StandardCharsets.US_ASCII)));
        assertFalse(ImageSignatures.isWebP(jpeg(solid(8, 8, RED))));
    }

    @Test
    void filesTooShortForASignatureAreNeither() {
        byte[] jpegStart = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF};
        byte[] webpStart = "RIFF\0\0\0\0WEB".getBytes(StandardCharsets.US_ASCII);

        assertFalse(ImageSignatures.isJpeg(jpegStart));
        assertFalse(ImageSignatures.isWebP(webpStart));
        assertFalse(ImageSignatures.isJpeg(new byte[0]));
        assertFalse(ImageSignatures.isWebP(new byte[0]));
    }
}
