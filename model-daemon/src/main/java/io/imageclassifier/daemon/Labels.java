package io.imageclassifier.daemon;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.imageclassifier.protocol.Prediction;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The model's class names, in output order, and the top-k selection over a probability row. */
public final class Labels {

    private final String[] names;

    public Labels(String[] names) {
        this.names = names.clone();
    }

    /** Reads {"0": "tench", "1": "goldfish", ...}, the order Keras' decode_predictions uses. */
    public static Labels load(Path file) throws IOException {
        JsonObject byIndex;
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            byIndex = JsonParser.parseReader(in).getAsJsonObject();
        }
        String[] names = new String[byIndex.size()];
        for (int i = 0; i < names.length; i++) {
            if (!byIndex.has(Integer.toString(i))) {
                throw new IOException(file + " has no label for class " + i);
            }
            names[i] = byIndex.get(Integer.toString(i)).getAsString();
        }
        return new Labels(names);
    }

    public int size() {
        return names.length;
    }

    /** The {@code k} most probable classes, most probable first. */
    public List<Prediction> top(float[] probabilities, int k) {
        if (probabilities.length != names.length) {
            throw new IllegalArgumentException("model gave " + probabilities.length + " classes, labels have " + names.length);
        }
        int count = Math.max(0, Math.min(k, probabilities.length));
        if (count == 0) {
            return List.of();
        }
        int[] best = new int[count];
        int found = 0;
        // k is tiny (5) next to 1000 classes: insertion into a short sorted array beats a full sort.
        for (int i = 0; i < probabilities.length; i++) {
            if (found < count || probabilities[i] > probabilities[best[found - 1]]) {
                int at = Math.min(found, count - 1);
                while (at > 0 && probabilities[best[at - 1]] < probabilities[i]) {
                    best[at] = best[at - 1];
                    at--;
                }
                best[at] = i;
                found = Math.min(found + 1, count);
            }
        }
        List<Prediction> top = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            top.add(new Prediction(names[best[i]], probabilities[best[i]]));
        }
        return top;
    }
}
