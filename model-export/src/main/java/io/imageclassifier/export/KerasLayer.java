package io.imageclassifier.export;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.List;

/**
 * One layer of a Keras functional model as serialized in a TF.js layers model:
 * {@code {"name", "class_name", "config", "inbound_nodes"}}.
 *
 * <p>The typed config accessors fail with an {@link UnsupportedModelException} that names the layer,
 * so a surprising model is reported as "layer 'conv1' (Conv2D): ..." instead of a bare Gson error.
 *
 * @param name          the layer name, unique within the model
 * @param className     the Keras class, e.g. {@code Conv2D}
 * @param config        the layer's {@code config} object, as written by Keras
 * @param inboundLayers names of the layers whose outputs feed this one, in argument order
 */
public record KerasLayer(String name, String className, JsonObject config, List<String> inboundLayers) {

    public KerasLayer {
        inboundLayers = List.copyOf(inboundLayers);
    }

    /** An exception to throw, with the layer named in the message. */
    public UnsupportedModelException unsupported(String format, Object... args) {
        return new UnsupportedModelException(
                "layer '" + name + "' (" + className + "): " + String.format(format, args));
    }

    public boolean has(String key) {
        return config.has(key) && !config.get(key).isJsonNull();
    }

    public String string(String key) {
        JsonElement e = required(key);
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
            throw unsupported("config '%s' should be a string, got %s", key, e);
        }
        return e.getAsString();
    }

    public String string(String key, String defaultValue) {
        return has(key) ? string(key) : defaultValue;
    }

    public boolean bool(String key, boolean defaultValue) {
        if (!has(key)) {
            return defaultValue;
        }
        JsonElement e = config.get(key);
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isBoolean()) {
            throw unsupported("config '%s' should be true or false, got %s", key, e);
        }
        return e.getAsBoolean();
    }

    public int integer(String key) {
        return asInt(key, required(key));
    }

    public double number(String key, double defaultValue) {
        if (!has(key)) {
            return defaultValue;
        }
        JsonElement e = config.get(key);
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
            throw unsupported("config '%s' should be a number, got %s", key, e);
        }
        return e.getAsDouble();
    }

    /**
     * A Keras 2-D size such as {@code kernel_size} or {@code strides}: either one integer used for
     * both axes, or a list {@code [rows, cols]}.
     */
    public int[] intPair(String key) {
        JsonElement e = required(key);
        if (e.isJsonArray()) {
            JsonArray a = e.getAsJsonArray();
            if (a.size() != 2) {
                throw unsupported("config '%s' should have 2 values, got %s", key, e);
            }
            return new int[] {asInt(key, a.get(0)), asInt(key, a.get(1))};
        }
        int v = asInt(key, e);
        return new int[] {v, v};
    }

    public int[] intPair(String key, int[] defaultValue) {
        return has(key) ? intPair(key) : defaultValue.clone();
    }

    /** The raw config value, for layouts the typed accessors do not cover (e.g. ZeroPadding2D). */
    public JsonElement raw(String key) {
        return required(key);
    }

    /**
     * Layers may only compute in float32: the weights are float32 and so is the exported graph.
     * Keras 2 writes {@code "dtype": "float32"}; a missing dtype means the float32 default.
     */
    public void requireFloat32() {
        if (has("dtype")) {
            JsonElement e = config.get("dtype");
            if (!e.isJsonPrimitive() || !"float32".equals(e.getAsString())) {
                throw unsupported("dtype %s is not supported, only float32", e);
            }
        }
    }

    /** Keras' default image layout is channels_last; the exporter supports only that. */
    public void requireChannelsLast() {
        String format = string("data_format", "channels_last");
        if (!"channels_last".equals(format)) {
            throw unsupported("data_format '%s' is not supported, only channels_last", format);
        }
    }

    private JsonElement required(String key) {
        if (!has(key)) {
            throw unsupported("config '%s' is missing", key);
        }
        return config.get(key);
    }

    private int asInt(String key, JsonElement e) {
        if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber()) {
            double d = e.getAsDouble();
            if (d == Math.rint(d) && Math.abs(d) <= Integer.MAX_VALUE) {
                return (int) d;
            }
        }
        throw unsupported("config '%s' should hold integers, got %s", key, e);
    }
}
