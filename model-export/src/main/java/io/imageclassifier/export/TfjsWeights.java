package io.imageclassifier.export;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The weights of a TF.js layers model, by name ({@code "<layer>/<weight>"}, e.g. {@code conv1/kernel}).
 *
 * <p>Remembers which weights were taken, so the converter can insist that every stored weight was
 * used: a weight left over means some layer was translated without it, i.e. the ONNX model would
 * compute something else.
 */
public final class TfjsWeights {

    private final Map<String, FloatTensor> byName = new LinkedHashMap<>();
    private final Set<String> taken = new LinkedHashSet<>();

    /** Adds a weight; names must be unique. A TF variable suffix such as {@code :0} is dropped. */
    public void add(String name, FloatTensor tensor) {
        String key = normalize(name);
        if (byName.putIfAbsent(key, tensor) != null) {
            throw new UnsupportedModelException("weight '" + key + "' appears twice in the weights manifest");
        }
    }

    public boolean contains(String name) {
        return byName.containsKey(name);
    }

    /** All weight names, in manifest order. */
    public List<String> names() {
        return List.copyOf(byName.keySet());
    }

    public int size() {
        return byName.size();
    }

    public long parameterCount() {
        return byName.values().stream().mapToLong(t -> t.data().length).sum();
    }

    /**
     * Takes the weight {@code layer.name() + "/" + weightName} and checks its shape.
     *
     * @throws UnsupportedModelException if it is missing or has another shape than {@code expectedShape}
     */
    public FloatTensor take(KerasLayer layer, String weightName, int... expectedShape) {
        String key = layer.name() + "/" + weightName;
        FloatTensor tensor = byName.get(key);
        if (tensor == null) {
            throw layer.unsupported("weight '%s' is not in the weights manifest", key);
        }
        if (!Arrays.equals(tensor.shape(), expectedShape)) {
            throw layer.unsupported("weight '%s' has shape %s, expected %s from the layer config and its input",
                    key, Arrays.toString(tensor.shape()), Arrays.toString(expectedShape));
        }
        taken.add(key);
        return tensor;
    }

    /** Names of the weights nobody has taken, in manifest order. */
    public List<String> untaken() {
        List<String> left = new ArrayList<>();
        for (String name : byName.keySet()) {
            if (!taken.contains(name)) {
                left.add(name);
            }
        }
        return Collections.unmodifiableList(left);
    }

    static String normalize(String name) {
        return name.endsWith(":0") ? name.substring(0, name.length() - 2) : name;
    }
}
