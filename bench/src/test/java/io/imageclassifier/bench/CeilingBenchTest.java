package io.imageclassifier.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CeilingBenchTest {

    @Test
    void rowDerivesImagesPerSecondFromTheMedian() {
        CeilingBench.Row row = CeilingBench.Row.of(8, 5, 200, 190, 210);
        assertEquals(40, row.imagesPerSecond(), 1e-9);
        assertEquals(25, row.msPerImage(), 1e-9);
    }

    @Test
    void bestIsTheHighestImagesPerSecond() {
        CeilingBench.Result r = new CeilingBench.Result("CPU", 2, "m", List.of(
                CeilingBench.Row.of(1, 5, 25, 24, 26), CeilingBench.Row.of(4, 5, 90, 88, 95),
                CeilingBench.Row.of(8, 5, 190, 185, 200)));
        assertEquals(4, r.best().batch());
        assertEquals(8, r.forBatch(8).batch());
        assertNull(r.forBatch(2));
        assertNull(new CeilingBench.Result("CPU", 2, "m", List.of()).best());
    }

    @Test
    void photosBecomeModelSizedRgbCycledToTheBatch(@TempDir Path dir) throws IOException {
        BufferedImage red = new BufferedImage(40, 30, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = red.createGraphics();
        g.setColor(new Color(200, 10, 20));
        g.fillRect(0, 0, 40, 30);
        g.dispose();
        ImageIO.write(red, "png", dir.resolve("red.png").toFile());

        List<byte[]> images = CeilingBench.images(List.of(dir.resolve("red.png")), 4, 3, 5);
        assertEquals(5, images.size());
        assertEquals(4 * 3 * 3, images.get(0).length);
        assertEquals(200, images.get(0)[0] & 0xFF);
        assertEquals(10, images.get(0)[1] & 0xFF);
        assertEquals(20, images.get(0)[2] & 0xFF);
        assertSame(images.get(0), images.get(4));
    }

    @Test
    void withoutPhotosItUsesNoise() throws IOException {
        List<byte[]> images = CeilingBench.images(List.of(), 2, 2, 3);
        assertEquals(3, images.size());
        assertEquals(12, images.get(2).length);
    }
}
