package io.imageclassifier.web.image;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.IntBinaryOperator;
import javax.imageio.ImageIO;

/** Synthetic images, encoded in memory, for the web tier's tests. */
public final class TestImages {

    public static final int RED = 0xFF0000;
    public static final int GREEN = 0x00FF00;
    public static final int BLUE = 0x0000FF;
    public static final int BLACK = 0x000000;
    public static final int WHITE = 0xFFFFFF;

    private TestImages() {
    }

    /** An RGB image whose pixel (x, y) is {@code colorAt(x, y)} as 0xRRGGBB. */
    public static BufferedImage rgb(int width, int height, IntBinaryOperator colorAt) {
        return paint(new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB), colorAt);
    }

    public static BufferedImage solid(int width, int height, int color) {
        return rgb(width, height, (x, y) -> color);
    }

    /** Pixels painted with {@code setRGB}, so any image type gets the nearest colour it can hold. */
    public static BufferedImage paint(BufferedImage image, IntBinaryOperator colorAt) {
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                image.setRGB(x, y, colorAt.applyAsInt(x, y));
            }
        }
        return image;
    }

    public static byte[] png(BufferedImage image) {
        return encode(image, "png");
    }

    public static byte[] jpeg(BufferedImage image) {
        return encode(image, "jpeg");
    }

    public static byte[] gif(BufferedImage image) {
        return encode(image, "gif");
    }

    public static byte[] bmp(BufferedImage image) {
        return encode(image, "bmp");
    }

    public static byte[] encode(BufferedImage image, String format) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, format, out)) {
                throw new IllegalArgumentException("no ImageIO writer for " + format + " and this image type");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
