package io.imageclassifier.web.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

class AreaAwareResizerTest {

    /** Debian's interpreter, which has python3-pil; the python3 on PATH may be another one without it. */
    private static final String PYTHON = "/usr/bin/python3";

    /** Reads "name w h outW outH" lines, resizes each raw RGB file with Pillow, writes name.out. */
    private static final String PILLOW_SCRIPT = String.join("\n",
            "import sys",
            "try:",
            "    from PIL import Image",
            "except ImportError:",
            "    sys.exit(3)",
            "folder = sys.argv[1]",
            "for line in open(folder + '/cases.txt'):",
            "    name, w, h, ow, oh = line.split()",
            "    with open(folder + '/' + name, 'rb') as f:",
            "        image = Image.frombytes('RGB', (int(w), int(h)), f.read())",
            "    with open(folder + '/' + name + '.out', 'wb') as f:",
            "        f.write(image.resize((int(ow), int(oh))).tobytes())",
            "");

    @TempDir
    Path folder;

    private record Case(String name, int width, int height, int outWidth, int outHeight, byte[] rgb) {
    }

    @TestFactory
    Stream<DynamicTest> matchesPillowByteForByte() throws IOException, InterruptedException {
        List<Case> cases = new ArrayList<>();
        add(cases, "noise", 1, 1, 224, 224);
        add(cases, "noise", 2, 3, 224, 224);
        add(cases, "edges", 7, 5, 224, 224);
        add(cases, "noise", 7, 5, 1, 1);
        add(cases, "noise", 333, 517, 224, 224);
        add(cases, "gradient", 333, 517, 224, 224);
        add(cases, "edges", 333, 517, 31, 97);
        add(cases, "noise", 4000, 9, 224, 224);
        add(cases, "edges", 9, 4000, 224, 224);
        add(cases, "noise", 224, 224, 224, 224);
        add(cases, "noise", 224, 500, 224, 224);
        add(cases, "edges", 500, 224, 224, 224);
        add(cases, "edges", 100, 80, 224, 224);
        add(cases, "gradient", 100, 80, 224, 224);
        add(cases, "noise", 1000, 150, 224, 224);
        add(cases, "gradient", 500, 375, 224, 224);
        add(cases, "noise", 773, 512, 224, 224);
        // The horizontal pass works in blocks of 128 rows: exactly two, and two and one row.
        add(cases, "gradient", 640, 256, 224, 224);
        add(cases, "noise", 640, 257, 224, 224);
        add(cases, "noise", 3000, 2000, 224, 224);
        add(cases, "edges", 3000, 2000, 224, 224);

        StringBuilder list = new StringBuilder();
        for (Case c : cases) {
            Files.write(folder.resolve(c.name()), c.rgb());
            list.append(c.name()).append(' ').append(c.width()).append(' ').append(c.height()).append(' ')
                    .append(c.outWidth()).append(' ').append(c.outHeight()).append('\n');
        }
        Files.writeString(folder.resolve("cases.txt"), list);
        runPillow();

        return cases.stream().map(c -> DynamicTest.dynamicTest(c.name() + " -> " + c.outWidth() + "x" + c.outHeight(),
                () -> assertSameBytes(c.name(), Files.readAllBytes(folder.resolve(c.name() + ".out")),
                        AreaAwareResizer.resize(c.rgb(), c.width(), c.height(), c.outWidth(), c.outHeight()))));
    }

    @Test
    void solidColourStaysExactlyThatColour() {
        int[][] sizes = {{1, 1, 224, 224}, {7, 5, 3, 11}, {500, 375, 224, 224}, {4000, 9, 224, 224}, {224, 224, 224, 224}};
        for (int[] s : sizes) {
            byte[] in = solid(s[0], s[1], 200, 17, 99);
            assertArrayEquals(solid(s[2], s[3], 200, 17, 99), AreaAwareResizer.resize(in, s[0], s[1], s[2], s[3]),
                    s[0] + "x" + s[1] + " -> " + s[2] + "x" + s[3]);
        }
    }

    @Test
    void blackLeftHalfStaysBlackAtTheLeftEdgeAndWhiteAtTheRight() {
        // Upscaling overshoots next to the edge (negative bicubic lobes); the clamp must hold 0 and 255.
        for (int[] s : new int[][] {{100, 60, 224, 224}, {1000, 600, 224, 224}}) {
            int width = s[0];
            byte[] in = pattern("halves", width, s[1], new Random(1));
            byte[] out = AreaAwareResizer.resize(in, width, s[1], s[2], s[3]);
            for (int y = 0; y < s[3]; y++) {
                for (int c = 0; c < 3; c++) {
                    assertEquals(0, out[(y * s[2]) * 3 + c] & 0xFF, "left edge, row " + y);
                    assertEquals(255, out[(y * s[2] + s[2] - 1) * 3 + c] & 0xFF, "right edge, row " + y);
                }
            }
        }
    }

    @Test
    void sameSizeIsACopyAndWrongLengthIsRejected() {
        byte[] in = pattern("noise", 5, 4, new Random(2));
        byte[] out = AreaAwareResizer.resize(in, 5, 4, 5, 4);
        assertNotSame(in, out);
        assertArrayEquals(in, out);
        assertThrows(IllegalArgumentException.class, () -> AreaAwareResizer.resize(new byte[59], 5, 4, 2, 2));
    }

    private void runPillow() throws IOException, InterruptedException {
        if (!Files.isExecutable(Path.of(PYTHON))) {
            fail(PYTHON + " is missing: install python3 and python3-pil (apt-get install python3-pil; scripts/setup does)");
        }
        Path log = folder.resolve("python.log");
        Process python = new ProcessBuilder(PYTHON, "-c", PILLOW_SCRIPT, folder.toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        if (!python.waitFor(60, TimeUnit.SECONDS)) {
            python.destroyForcibly();
            fail("Pillow took over 60 s");
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        if (python.exitValue() == 3) {
            fail(PYTHON + " has no PIL: install python3-pil (apt-get install python3-pil; scripts/setup does)");
        }
        if (python.exitValue() != 0) {
            fail("Pillow failed with exit code " + python.exitValue() + ":\n" + output);
        }
    }

    private static void assertSameBytes(String name, byte[] expected, byte[] actual) {
        assertEquals(expected.length, actual.length, name + ": output length");
        int differing = 0;
        int maxDifference = 0;
        int firstAt = -1;
        for (int i = 0; i < expected.length; i++) {
            int difference = Math.abs((expected[i] & 0xFF) - (actual[i] & 0xFF));
            if (difference != 0) {
                differing++;
                maxDifference = Math.max(maxDifference, difference);
                firstAt = firstAt < 0 ? i : firstAt;
            }
        }
        if (differing != 0) {
            fail(name + ": " + differing + " of " + expected.length + " bytes differ from Pillow, by at most " + maxDifference
                    + "; first at byte " + firstAt);
        }
    }

    private static void add(List<Case> cases, String kind, int width, int height, int outWidth, int outHeight) {
        String name = kind + "-" + width + "x" + height + "-to-" + outWidth + "x" + outHeight;
        byte[] rgb = pattern(kind, width, height, new Random(width * 31L + height));
        cases.add(new Case(name, width, height, outWidth, outHeight, rgb));
    }

    private static byte[] pattern(String kind, int width, int height, Random random) {
        byte[] rgb = new byte[width * height * 3];
        if (kind.equals("noise")) {
            random.nextBytes(rgb);
            return rgb;
        }
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int i = (y * width + x) * 3;
                switch (kind) {
                    case "gradient" -> {
                        rgb[i] = (byte) (x * 255 / Math.max(width - 1, 1));
                        rgb[i + 1] = (byte) (y * 255 / Math.max(height - 1, 1));
                        rgb[i + 2] = (byte) ((x + y) * 255 / Math.max(width + height - 2, 1));
                    }
                    case "edges" -> {
                        // Black/white blocks of several sizes, plus a thin line, so every scale sees hard steps.
                        boolean block = ((x / 3) + (y / 5)) % 2 == 0 ^ ((x / 17) + (y / 13)) % 2 == 0;
                        int v = block || x % 41 == 0 ? 255 : 0;
                        rgb[i] = (byte) v;
                        rgb[i + 1] = (byte) (255 - v);
                        rgb[i + 2] = (byte) (y % 7 == 0 ? 255 : v);
                    }
                    case "halves" -> {
                        int v = x < width / 2 ? 0 : 255;
                        rgb[i] = (byte) v;
                        rgb[i + 1] = (byte) v;
                        rgb[i + 2] = (byte) v;
                    }
                    default -> throw new IllegalArgumentException(kind);
                }
            }
        }
        return rgb;
    }

    private static byte[] solid(int width, int height, int r, int g, int b) {
        byte[] rgb = new byte[width * height * 3];
        for (int i = 0; i < rgb.length; i += 3) {
            rgb[i] = (byte) r;
            rgb[i + 1] = (byte) g;
            rgb[i + 2] = (byte) b;
        }
        return rgb;
    }
}
