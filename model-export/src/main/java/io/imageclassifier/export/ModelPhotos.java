package io.imageclassifier.export;

import io.imageclassifier.protocol.ModelContract;
import io.imageclassifier.protocol.ScaledRgb;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * Photos as model inputs, for calibrating and judging the int8 model offline: decoded by the JDK
 * and resized by {@link ScaledRgb}, close to the service's pixels but not equal to them, which
 * does not matter here, since fp32 and int8 are always fed the same input.
 */
final class ModelPhotos {

    private ModelPhotos() {
    }

    /** The JPEG and PNG files in {@code dir}, sorted by name. */
    static List<Path> in(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().matches("(?i).*\\.(jpe?g|png)")).sorted().toList();
        }
    }

    /** One photo as the model's input [1, 224, 224, 3], caffe-preprocessed. */
    static FloatBuffer input(Path photo) throws IOException {
        BufferedImage decoded = ImageIO.read(photo.toFile());
        if (decoded == null) {
            throw new IOException(photo + " is not an image the JDK reads");
        }
        byte[] rgb = ScaledRgb.of(decoded, ModelContract.IMAGE_SIZE, ModelContract.IMAGE_SIZE);
        FloatBuffer input = FloatBuffer.allocate(rgb.length);
        ModelContract.putCaffePreprocessed(rgb, input);
        return input.flip();
    }
}
