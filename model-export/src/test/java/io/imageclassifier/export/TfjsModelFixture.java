package io.imageclassifier.export;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * Writes small hand-made TF.js layers models (model.json + weight shards) in exactly the layout the
 * TF.js converter produces for a Keras 2 functional model, for the exporter's tests.
 */
final class TfjsModelFixture {

    private static final Gson GSON = new Gson();

    private final List<JsonObject> layers = new ArrayList<>();
    private final List<String> weightNames = new ArrayList<>();
    private final List<FloatTensor> weightValues = new ArrayList<>();
    private final String inputLayer;
    private String outputLayer;
    private String format = "layers-model";
    private String dtype = "float32";
    private int shardBytes = 4 * 1024 * 1024;

    private TfjsModelFixture(String inputLayer, Integer... batchInputShape) {
        this.inputLayer = inputLayer;
        JsonArray shape = new JsonArray();
        shape.add(JsonNull.INSTANCE);
        for (Integer d : batchInputShape) {
            shape.add(d);
        }
        JsonObject config = new JsonObject();
        config.add("batch_input_shape", shape);
        config.addProperty("dtype", "float32");
        config.addProperty("sparse", false);
        config.addProperty("name", inputLayer);
        JsonObject layer = new JsonObject();
        layer.addProperty("name", inputLayer);
        layer.addProperty("class_name", "InputLayer");
        layer.add("config", config);
        layer.add("inbound_nodes", new JsonArray());
        layers.add(layer);
        outputLayer = inputLayer;
    }

    /** A model whose input is an image batch [null, rows, cols, channels], like ResNet50's. */
    static TfjsModelFixture imageInput(String name, int rows, int cols, int channels) {
        return new TfjsModelFixture(name, rows, cols, channels);
    }

    /**
     * Adds a layer fed by the named layers. {@code config} is alternating key/value pairs; values are
     * serialized with Gson (so {@code List.of(3, 3)} becomes {@code [3, 3]}). The last layer added is
     * the model output unless {@link #output} says otherwise.
     */
    TfjsModelFixture layer(String className, String name, List<String> inbound, Object... config) {
        JsonObject c = new JsonObject();
        c.addProperty("name", name);
        c.addProperty("trainable", true);
        c.addProperty("dtype", "float32");
        for (int i = 0; i < config.length; i += 2) {
            c.add((String) config[i], GSON.toJsonTree(config[i + 1]));
        }
        JsonArray node = new JsonArray();
        for (String from : inbound) {
            JsonArray ref = new JsonArray();
            ref.add(from);
            ref.add(0);
            ref.add(0);
            ref.add(new JsonObject());
            node.add(ref);
        }
        JsonArray nodes = new JsonArray();
        nodes.add(node);
        JsonObject layer = new JsonObject();
        layer.addProperty("name", name);
        layer.addProperty("class_name", className);
        layer.add("config", c);
        layer.add("inbound_nodes", nodes);
        layers.add(layer);
        outputLayer = name;
        return this;
    }

    TfjsModelFixture layer(String className, String name, String inbound, Object... config) {
        return layer(className, name, List.of(inbound), config);
    }

    /** Adds a weight to the manifest (in call order), e.g. {@code weight("conv1/kernel", shape(2, 2, 1, 1), ...)}. */
    TfjsModelFixture weight(String name, int[] shape, float... values) {
        weightNames.add(name);
        weightValues.add(new FloatTensor(shape, values));
        return this;
    }

    TfjsModelFixture output(String layerName) {
        outputLayer = layerName;
        return this;
    }

    /** Reverses the layer list in model.json, to show the exporter follows inbound_nodes, not file order. */
    TfjsModelFixture reverseLayerOrder() {
        Collections.reverse(layers);
        return this;
    }

    /** Cuts the weight bytes into shards of this many bytes (the last one shorter). */
    TfjsModelFixture shardBytes(int bytes) {
        shardBytes = bytes;
        return this;
    }

    TfjsModelFixture format(String value) {
        format = value;
        return this;
    }

    /** The dtype written for every weight in the manifest (the data stays float32). */
    TfjsModelFixture manifestDtype(String value) {
        dtype = value;
        return this;
    }

    /** Mutable access to a layer's JSON, for tests of malformed configs. */
    JsonObject layerJson(String name) {
        return layers.stream().filter(l -> l.get("name").getAsString().equals(name)).findFirst().orElseThrow();
    }

    static int[] shape(int... dims) {
        return dims;
    }

    /** Writes model.json and group1-shard{i}of{n}.bin into {@code dir}. */
    Path writeTo(Path dir) throws IOException {
        Files.createDirectories(dir);
        int total = weightValues.stream().mapToInt(t -> t.data().length * 4).sum();
        ByteBuffer all = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
        JsonArray specs = new JsonArray();
        for (int i = 0; i < weightNames.size(); i++) {
            for (float v : weightValues.get(i).data()) {
                all.putFloat(v);
            }
            JsonObject spec = new JsonObject();
            spec.addProperty("name", weightNames.get(i));
            spec.add("shape", GSON.toJsonTree(weightValues.get(i).shape()));
            spec.addProperty("dtype", dtype);
            specs.add(spec);
        }
        int shards = Math.max(1, (total + shardBytes - 1) / shardBytes);
        JsonArray paths = new JsonArray();
        for (int s = 0; s < shards; s++) {
            String file = "group1-shard" + (s + 1) + "of" + shards + ".bin";
            paths.add(file);
            int from = s * shardBytes;
            int to = Math.min(total, from + shardBytes);
            Files.write(dir.resolve(file), Arrays.copyOfRange(all.array(), from, to));
        }
        JsonObject group = new JsonObject();
        group.add("paths", paths);
        group.add("weights", specs);
        JsonArray manifest = new JsonArray();
        manifest.add(group);

        JsonObject config = new JsonObject();
        config.addProperty("name", "fixture");
        JsonArray layerArray = new JsonArray();
        layers.forEach(layerArray::add);
        config.add("layers", layerArray);
        config.add("input_layers", endpoint(inputLayer));
        config.add("output_layers", endpoint(outputLayer));
        JsonObject modelConfig = new JsonObject();
        modelConfig.addProperty("class_name", "Model");
        modelConfig.add("config", config);
        JsonObject topology = new JsonObject();
        topology.addProperty("keras_version", "2.2.4-tf");
        topology.addProperty("backend", "tensorflow");
        topology.add("model_config", modelConfig);

        JsonObject root = new JsonObject();
        root.addProperty("format", format);
        root.addProperty("generatedBy", "keras v2.2.4-tf");
        root.addProperty("convertedBy", "test fixture");
        root.add("modelTopology", topology);
        root.add("weightsManifest", manifest);
        Files.writeString(dir.resolve("model.json"), GSON.toJson(root), StandardCharsets.UTF_8);
        return dir;
    }

    /** Writes the model and reads it back with the production reader. */
    TfjsLayersModel read(Path dir) throws IOException {
        return TfjsLayersModelReader.read(writeTo(dir));
    }

    private static JsonElement endpoint(String layer) {
        JsonArray ref = new JsonArray();
        ref.add(layer);
        ref.add(0);
        ref.add(0);
        JsonArray list = new JsonArray();
        list.add(ref);
        return list;
    }
}
