package io.imageclassifier.web.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web tier feeds the model the pixels the original Python service did: Pillow's
 * {@code Image.open}, {@code convert("RGB")} and {@code resize((224, 224))}, run by Debian's
 * python3-pil on the same files (pillow_oracle.py makes them: every mode and JPEG variant Pillow
 * reads, odd sizes, and the test photos). Each file must be bit-for-bit Pillow's: that is what
 * the fixed-point resize and the native decoders are for, and a regression to summing in double
 * would be off by one in a few bytes per image.
 */
class PillowOracleTest {

    private static final Path PYTHON_WITH_PILLOW = Path.of("/usr/bin/python3");
    private static final Path TEST_PHOTOS = Path.of("runtime/testdata");
    private static final int SIZE = 224;

    private final ImagePreprocessor preprocessor = ImagePreprocessorTest.preprocessor(SIZE, 60_000_000L);

    @Test
    void preprocessingMatchesPillowOnEveryKindOfImage(@TempDir Path folder) throws Exception {
        NativeDecoders decoders = NativeDecoders.load();
        assertTrue(decoders.jpeg() != null && decoders.webp() != null,
                "libjpeg-turbo and libwebp must load here (scripts/setup installs them)");
        List<String> files = runOracle(folder);

        List<String> report = new ArrayList<>();
        long bytes = 0;
        long differing = 0;
        int exact = 0;
        for (String name : files) {
            byte[] expected = Files.readAllBytes(folder.resolve(name + ".rgb"));
            byte[] actual = preprocessor.toModelInput(Files.readAllBytes(folder.resolve(name)));
            assertEquals(expected.length, actual.length, name);
            int diff = 0;
            int maxDiff = 0;
            long totalDiff = 0;
            for (int i = 0; i < expected.length; i++) {
                int d = Math.abs((expected[i] & 0xFF) - (actual[i] & 0xFF));
                diff += d == 0 ? 0 : 1;
                maxDiff = Math.max(maxDiff, d);
                totalDiff += d;
            }
            double meanDiff = (double) totalDiff / expected.length;
            bytes += expected.length;
            differing += diff;
            exact += diff == 0 ? 1 : 0;
            report.add(String.format("%-22s %6d bytes differ, max %3d, mean %.3f", name, diff, maxDiff, meanDiff));
            if (diff > 0) {
                report.add("  ^ outside the bound");
            }
        }
        String table = String.join("\n", report);
        System.out.printf("Pillow oracle: %d files, %d bit-for-bit equal, %d of %d bytes differ%n%s%n",
                files.size(), exact, differing, bytes, table);
        assertTrue(!table.contains("outside the bound"), "every file bit-for-bit Pillow's:\n" + table);
    }

    /** Runs pillow_oracle.py into the folder; the names of the files it wrote, each with its .rgb. */
    private static List<String> runOracle(Path folder) throws IOException, InterruptedException {
        assertTrue(Files.isExecutable(PYTHON_WITH_PILLOW), PYTHON_WITH_PILLOW + " is missing: apt-get install python3-pil");
        List<String> photos;
        try (Stream<Path> files = Files.list(TEST_PHOTOS)) {
            photos = files.filter(p -> p.toString().endsWith(".jpg")).map(Path::toString).sorted().toList();
        } catch (IOException e) {
            throw new AssertionError("the test photos are missing from " + TEST_PHOTOS + ": run scripts/setup", e);
        }
        assertTrue(!photos.isEmpty(), "no test photos in " + TEST_PHOTOS + ": run scripts/setup");
        Path script = folder.resolve("pillow_oracle.py");
        try (var in = PillowOracleTest.class.getResourceAsStream("pillow_oracle.py")) {
            Files.copy(in, script);
        }
        List<String> command = new ArrayList<>(List.of(PYTHON_WITH_PILLOW.toString(), script.toString(), folder.toString()));
        command.addAll(photos);
        Path output = folder.resolve("oracle.log");
        Process oracle = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        int exit = oracle.waitFor();
        String printed = Files.readString(output, StandardCharsets.UTF_8);
        assertEquals(0, exit, "pillow_oracle.py failed (is python3-pil installed?):\n" + printed);
        return printed.lines().filter(line -> !line.isBlank()).toList();
    }
}
