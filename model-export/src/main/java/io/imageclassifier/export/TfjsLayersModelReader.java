package io.imageclassifier.export;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a TF.js layers model from a directory: {@code model.json} plus the binary weight shards it
 * names.
 *
 * <p>Layout (TF.js converter): {@code modelTopology} holds the Keras model config (possibly wrapped
 * as {@code {"keras_version", "backend", "model_config"}}); {@code weightsManifest} is a list of
 * groups, each with {@code paths} (shard files) and {@code weights} ({@code name, shape, dtype}).
 * Within a group the shards are one byte stream cut into pieces, and the weights lie in it back to
 * back in manifest order, as little-endian float32; a weight may straddle two shards.
 */
public final class TfjsLayersModelReader {

    private TfjsLayersModelReader() {
    }

    public static TfjsLayersModel read(Path modelDir) throws IOException {
        Path modelJson = modelDir.resolve("model.json");
        JsonObject root;
        try (Reader reader = Files.newBufferedReader(modelJson, StandardCharsets.UTF_8)) {
            root = JsonParser.parseReader(reader).getAsJsonObject();
        } catch (NoSuchFileException e) {
            throw new UnsupportedModelException("no model.json in " + modelDir, e);
        } catch (JsonParseException | IllegalStateException e) {
            throw new UnsupportedModelException(modelJson + " is not a JSON object: " + e.getMessage(), e);
        }

        String format = optionalString(root, "format");
        if (!format.isEmpty() && !"layers-model".equals(format)) {
            throw new UnsupportedModelException(modelJson + ": format '" + format
                    + "' is not supported, only 'layers-model' (a Keras model converted by tensorflowjs)");
        }
        JsonObject modelConfig = modelConfig(modelJson, root);
        String className = optionalString(modelConfig, "class_name");
        if (!"Model".equals(className) && !"Functional".equals(className)) {
            throw new UnsupportedModelException(modelJson + ": model class '" + className
                    + "' is not supported, only a functional Keras model ('Model' or 'Functional')");
        }
        JsonObject config = object(modelConfig, "config", modelJson);

        List<KerasLayer> layers = new ArrayList<>();
        for (JsonElement e : array(config, "layers", modelJson)) {
            layers.add(layer(e.getAsJsonObject()));
        }
        String input = singleEndpoint(config, "input_layers", modelJson);
        String output = singleEndpoint(config, "output_layers", modelJson);

        TfjsWeights weights = readWeights(modelDir, array(root, "weightsManifest", modelJson));
        return new TfjsLayersModel(optionalString(config, "name"), layers, input, output, weights,
                optionalString(root, "generatedBy"), optionalString(root, "convertedBy"));
    }

    private static JsonObject modelConfig(Path modelJson, JsonObject root) {
        JsonObject topology = object(root, "modelTopology", modelJson);
        // tensorflowjs_converter (from a Keras .h5) wraps the config; tfjs' own save() does not.
        return topology.has("model_config") ? object(topology, "model_config", modelJson) : topology;
    }

    /** A layer and the names of its inputs, from Keras 2 {@code inbound_nodes}. */
    private static KerasLayer layer(JsonObject json) {
        String name = json.get("name").getAsString();
        String className = json.get("class_name").getAsString();
        JsonObject config = json.has("config") ? json.getAsJsonObject("config") : new JsonObject();
        List<String> inbound = new ArrayList<>();
        JsonArray nodes = json.has("inbound_nodes") ? json.getAsJsonArray("inbound_nodes") : new JsonArray();
        if (nodes.size() > 1) {
            // The layer is applied more than once (a shared layer): one ONNX op per layer can't express that.
            throw new UnsupportedModelException("layer '" + name + "' (" + className + ") is called "
                    + nodes.size() + " times (a shared layer); only layers used once are supported");
        }
        if (nodes.size() == 1) {
            JsonElement node = nodes.get(0);
            if (!node.isJsonArray()) {
                throw new UnsupportedModelException("layer '" + name + "': inbound_nodes entry " + node
                        + " is not in the Keras 2 format [[layer, node_index, tensor_index, kwargs], ...]");
            }
            for (JsonElement arg : node.getAsJsonArray()) {
                // [inbound layer name, node index, tensor index, call kwargs]
                JsonArray ref = arg.getAsJsonArray();
                String from = ref.get(0).getAsString();
                if (ref.get(1).getAsInt() != 0 || ref.get(2).getAsInt() != 0) {
                    throw new UnsupportedModelException("layer '" + name + "' reads output " + ref
                            + " of layer '" + from + "'; only single-output, single-use layers are supported");
                }
                if (ref.size() > 3 && ref.get(3).isJsonObject() && ref.get(3).getAsJsonObject().size() > 0) {
                    throw new UnsupportedModelException("layer '" + name + "' is called with arguments "
                            + ref.get(3) + ", which are not supported");
                }
                inbound.add(from);
            }
        }
        return new KerasLayer(name, className, config, inbound);
    }

    private static String singleEndpoint(JsonObject config, String key, Path modelJson) {
        JsonArray endpoints = array(config, key, modelJson);
        if (endpoints.size() != 1) {
            throw new UnsupportedModelException(modelJson + ": " + key + " has " + endpoints.size()
                    + " entries; only models with exactly one input and one output are supported");
        }
        JsonArray ref = endpoints.get(0).getAsJsonArray(); // [layer name, node index, tensor index]
        if (ref.get(1).getAsInt() != 0 || ref.get(2).getAsInt() != 0) {
            throw new UnsupportedModelException(modelJson + ": " + key + " entry " + ref + " is not supported");
        }
        return ref.get(0).getAsString();
    }

    private static TfjsWeights readWeights(Path modelDir, JsonArray manifest) throws IOException {
        TfjsWeights weights = new TfjsWeights();
        for (JsonElement g : manifest) {
            JsonObject group = g.getAsJsonObject();
            List<Path> shards = new ArrayList<>();
            for (JsonElement p : group.getAsJsonArray("paths")) {
                shards.add(modelDir.resolve(p.getAsString()));
            }
            // Check the manifest against itself before touching the shards, to report the first
            // problem in the terms of the manifest.
            List<String> names = new ArrayList<>();
            List<int[]> shapes = new ArrayList<>();
            long expectedBytes = 0;
            for (JsonElement w : group.getAsJsonArray("weights")) {
                JsonObject spec = w.getAsJsonObject();
                String name = spec.get("name").getAsString();
                String dtype = spec.get("dtype").getAsString();
                if (!"float32".equals(dtype)) {
                    throw new UnsupportedModelException("weight '" + name + "' has dtype " + dtype
                            + "; only float32 weights are supported");
                }
                if (spec.has("quantization")) {
                    throw new UnsupportedModelException("weight '" + name
                            + "' is quantized; quantized TF.js weights are not supported");
                }
                JsonArray shapeJson = spec.getAsJsonArray("shape");
                int[] shape = new int[shapeJson.size()];
                for (int i = 0; i < shape.length; i++) {
                    shape[i] = shapeJson.get(i).getAsInt();
                }
                names.add(name);
                shapes.add(shape);
                expectedBytes += 4 * FloatTensor.elementCount(shape);
            }
            ByteBuffer bytes = readShards(shards, expectedBytes);
            FloatBuffer floats = bytes.order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
            for (int i = 0; i < names.size(); i++) {
                float[] data = new float[(int) FloatTensor.elementCount(shapes.get(i))];
                floats.get(data);
                weights.add(names.get(i), new FloatTensor(shapes.get(i), data));
            }
        }
        return weights;
    }

    /** The shards of one group, concatenated; their total size must match the manifest exactly. */
    private static ByteBuffer readShards(List<Path> shards, long expectedBytes) throws IOException {
        long actual = 0;
        for (Path shard : shards) {
            if (!Files.isRegularFile(shard)) {
                throw new UnsupportedModelException("weight shard " + shard + " is missing");
            }
            actual += Files.size(shard);
        }
        if (actual != expectedBytes) {
            throw new UnsupportedModelException("weight shards " + shards.get(0).getFileName() + "... hold "
                    + actual + " bytes but the manifest describes " + expectedBytes + " bytes of float32 weights");
        }
        if (expectedBytes > Integer.MAX_VALUE - 8) {
            throw new UnsupportedModelException("weight group of " + expectedBytes + " bytes is too large (max 2 GiB)");
        }
        byte[] all = new byte[(int) expectedBytes];
        int offset = 0;
        for (Path shard : shards) {
            try (InputStream in = Files.newInputStream(shard)) {
                offset += in.readNBytes(all, offset, all.length - offset);
            }
        }
        return ByteBuffer.wrap(all);
    }

    private static JsonObject object(JsonObject parent, String key, Path where) {
        JsonElement e = parent.get(key);
        if (e == null || !e.isJsonObject()) {
            throw new UnsupportedModelException(where + ": '" + key + "' is missing or not an object");
        }
        return e.getAsJsonObject();
    }

    private static JsonArray array(JsonObject parent, String key, Path where) {
        JsonElement e = parent.get(key);
        if (e == null || !e.isJsonArray()) {
            throw new UnsupportedModelException(where + ": '" + key + "' is missing or not a list");
        }
        return e.getAsJsonArray();
    }

    private static String optionalString(JsonObject parent, String key) {
        JsonElement e = parent.get(key);
        return e != null && e.isJsonPrimitive() ? e.getAsString() : "";
    }
}
