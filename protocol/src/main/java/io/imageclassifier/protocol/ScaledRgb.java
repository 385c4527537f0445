package io.imageclassifier.protocol;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;

/**
 * An image squeezed to a size by Java2D (bicubic), as interleaved 8-bit RGB: pixels close to the
 * service's (Pillow's resize, in the web app), not equal to them. For the tools that feed the
 * model without the web app: the benchmark's ceiling and the int8 model's calibration and
 * judging, where only the same input for every run matters.
 */
public final class ScaledRgb {

    private ScaledRgb() {
    }

    public static byte[] of(BufferedImage image, int width, int height) {
        BufferedImage scaled = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = scaled.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
        g.drawImage(image, 0, 0, width, height, null);
        g.dispose();
        byte[] rgb = new byte[width * height * 3];
        for (int y = 0, i = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int pixel = scaled.getRGB(x, y);
                rgb[i++] = (byte) (pixel >> 16);
                rgb[i++] = (byte) (pixel >> 8);
                rgb[i++] = (byte) pixel;
            }
        }
        return rgb;
    }
}
