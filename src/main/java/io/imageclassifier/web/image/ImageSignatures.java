package io.imageclassifier.web.image;

/**
 * Recognises an upload's format by its first bytes, whatever its name says. Kept apart from the
 * native decoders on purpose: their classes name library types that may be missing at run time,
 * and sniffing a format must work (and must not link them) where the libraries are absent.
 */
final class ImageSignatures {

    private ImageSignatures() {
    }

    /** JPEG files start with SOI and the first marker (FF D8 FF). */
    static boolean isJpeg(byte[] file) {
        return file.length > 3 && (file[0] & 0xFF) == 0xFF && (file[1] & 0xFF) == 0xD8 && (file[2] & 0xFF) == 0xFF;
    }

    /** WebP files are RIFF containers of type WEBP. */
    static boolean isWebP(byte[] file) {
        return file.length >= 12 && file[0] == 'R' && file[1] == 'I' && file[2] == 'F' && file[3] == 'F'
                && file[8] == 'W' && file[9] == 'E' && file[10] == 'B' && file[11] == 'P';
    }
}
