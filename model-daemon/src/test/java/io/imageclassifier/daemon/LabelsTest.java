package io.imageclassifier.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.imageclassifier.protocol.Prediction;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LabelsTest {

    private final Labels labels = new Labels(new String[] {"tench", "goldfish", "shark", "hen", "ostrich"});

    @Test
    void topReturnsTheKMostProbableClassesMostProbableFirst() {
        List<Prediction> top = labels.top(new float[] {0.1f, 0.4f, 0.05f, 0.3f, 0.15f}, 3);

        assertEquals(List.of(
                new Prediction("goldfish", 0.4f),
                new Prediction("hen", 0.3f),
                new Prediction("ostrich", 0.15f)), top);
    }

    @Test
    void topFindsTheBestWhereverTheyAreInTheRow() {
        assertEquals(List.of("ostrich", "tench"), names(labels.top(new float[] {0.3f, 0, 0, 0, 0.7f}, 2)));
        assertEquals(List.of("tench", "goldfish"), names(labels.top(new float[] {0.5f, 0.4f, 0.05f, 0.03f, 0.02f}, 2)));
        assertEquals(List.of("ostrich", "hen"), names(labels.top(new float[] {0.01f, 0.02f, 0.03f, 0.04f, 0.9f}, 2)));
    }

    @Test
    void topOneIsTheArgmax() {
        assertEquals(List.of(new Prediction("shark", 0.6f)), labels.top(new float[] {0.1f, 0.1f, 0.6f, 0.1f, 0.1f}, 1));
    }

    @Test
    void tiedClassesAreAllReportedOnceEach() {
        List<Prediction> top = labels.top(new float[] {0.2f, 0.2f, 0.2f, 0.2f, 0.2f}, 3);

        assertEquals(3, top.size());
        assertEquals(3, Set.copyOf(names(top)).size(), "no class twice: " + top);
        top.forEach(prediction -> assertEquals(0.2f, prediction.probability(), 0.0));
    }

    @Test
    void tieAtTheCutOffKeepsTheHigherClassesAndOneOfTheTied() {
        List<Prediction> top = labels.top(new float[] {0.05f, 0.25f, 0.25f, 0.4f, 0.05f}, 2);

        assertEquals("hen", top.get(0).label());
        assertTrue(Set.of("goldfish", "shark").contains(top.get(1).label()), top.toString());
    }

    @Test
    void tieAboveTheCutOffKeepsBothTiedClasses() {
        List<Prediction> top = labels.top(new float[] {0.3f, 0.05f, 0.3f, 0.3f, 0.05f}, 3);

        assertEquals(Set.of("tench", "shark", "hen"), Set.copyOf(names(top)));
    }

    @Test
    void kLargerThanTheNumberOfClassesReturnsEveryClassInOrder() {
        List<Prediction> top = labels.top(new float[] {0.1f, 0.4f, 0.05f, 0.3f, 0.15f}, 10);

        assertEquals(List.of("goldfish", "hen", "ostrich", "tench", "shark"), names(top));
    }

    @Test
    void kZeroReturnsNoPredictions() {
        assertEquals(List.of(), labels.top(new float[] {0.1f, 0.4f, 0.05f, 0.3f, 0.15f}, 0));
    }

    @Test
    void rowOfTheWrongLengthIsRejected() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> labels.top(new float[] {0.5f, 0.5f}, 1));

        assertTrue(error.getMessage().contains("2") && error.getMessage().contains("5"), error.getMessage());
    }

    @Test
    void labelsAreCopiedNotShared() {
        String[] names = {"cat", "dog"};
        Labels copied = new Labels(names);

        names[0] = "changed";

        assertEquals("cat", copied.top(new float[] {1, 0}, 1).get(0).label());
    }

    @Test
    void loadsLabelsByIndexWhateverTheirOrderInTheFile(@TempDir Path folder) throws IOException {
        Path file = Files.writeString(folder.resolve("labels.json"),
                "{\"2\": \"great white shark\", \"0\": \"tench\", \"1\": \"goldfish\"}");

        Labels loaded = Labels.load(file);

        assertEquals(3, loaded.size());
        assertEquals(List.of("tench", "goldfish", "great white shark"),
                names(loaded.top(new float[] {0.5f, 0.3f, 0.2f}, 3)));
    }

    @Test
    void loadReadsUtf8(@TempDir Path folder) throws IOException {
        Path file = Files.writeString(folder.resolve("labels.json"), "{\"0\": \"café\"}");

        assertEquals("café", Labels.load(file).top(new float[] {1}, 1).get(0).label());
    }

    @Test
    void missingIndexIsAnErrorNamingTheClass(@TempDir Path folder) throws IOException {
        Path file = Files.writeString(folder.resolve("labels.json"), "{\"0\": \"tench\", \"2\": \"shark\"}");

        IOException error = assertThrows(IOException.class, () -> Labels.load(file));

        assertTrue(error.getMessage().contains("class 1"), error.getMessage());
    }

    @Test
    void missingFileIsAnError(@TempDir Path folder) {
        assertThrows(IOException.class, () -> Labels.load(folder.resolve("absent.json")));
    }

    private static List<String> names(List<Prediction> predictions) {
        return predictions.stream().map(Prediction::label).collect(Collectors.toList());
    }
}
