package io.imageclassifier.protocol;

import com.google.gson.GsonBuilder;
import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The model's interface, in one place: what the exporter writes and checks, what the daemon
 * feeds and checks at start-up, and (through {@link #main}, as JSON) what the Node verifier
 * feeds the original TensorFlow.js model.
 *
 * <p>The classic Keras ResNet50: one float32 input of shape [N, 224, 224, 3] (NHWC) already
 * preprocessed the Keras "caffe" way (channels in BGR order, the ImageNet channel means
 * subtracted, no scaling); one float32 output [N, 1000], the softmax over the ImageNet classes.
 * The preprocessing is the caller's (the daemon's), not the graph's.
 */
public final class ModelContract {

    public static final String INPUT_NAME = "input";
    public static final String OUTPUT_NAME = "probabilities";
    public static final int IMAGE_SIZE = 224;
    public static final int CHANNELS = 3;
    public static final int CLASSES = 1000;

    /** The ImageNet channel means that caffe preprocessing subtracts, per channel. */
    public static final double MEAN_BLUE = 103.939;
    public static final double MEAN_GREEN = 116.779;
    public static final double MEAN_RED = 123.68;

    /**
     * The int8 model's metadata entry that says how many bits its weights use: "8" is right only
     * on a CPU with VNNI ({@link CpuFeatures#hasVnni()}), "7" everywhere.
     */
    public static final String INT8_WEIGHT_BITS_KEY = "int8.weight.bits";
    /** What the caller must do to an RGB image before feeding it; recorded in the model's metadata. */
    public static final String PREPROCESSING = "keras caffe: NHWC float32, channels in BGR order,"
            + " minus means B=" + MEAN_BLUE + " G=" + MEAN_GREEN + " R=" + MEAN_RED + ", no scaling";

    private ModelContract() {
    }

    /**
     * Appends one image to the model's input: {@code rgb} is 8-bit interleaved RGB, what
     * {@link #PREPROCESSING} says is done to it goes into {@code input} (BGR, means subtracted).
     */
    public static void putCaffePreprocessed(byte[] rgb, FloatBuffer input) {
        // In float, as the model is: the same bits whoever feeds it.
        float blue = (float) MEAN_BLUE;
        float green = (float) MEAN_GREEN;
        float red = (float) MEAN_RED;
        for (int p = 0; p < rgb.length; p += 3) {
            input.put((rgb[p + 2] & 0xFF) - blue);
            input.put((rgb[p + 1] & 0xFF) - green);
            input.put((rgb[p] & 0xFF) - red);
        }
    }

    /** The contract as a JSON object, for tools outside the JVM. */
    public static String toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("inputName", INPUT_NAME);
        json.put("outputName", OUTPUT_NAME);
        json.put("layout", "NHWC");
        json.put("imageSize", IMAGE_SIZE);
        json.put("channels", CHANNELS);
        json.put("classes", CLASSES);
        json.put("channelOrder", "BGR");
        json.put("meanBgr", List.of(MEAN_BLUE, MEAN_GREEN, MEAN_RED));
        json.put("preprocessing", PREPROCESSING);
        return new GsonBuilder().setPrettyPrinting().create().toJson(json);
    }

    /** Prints {@link #toJson()}: scripts/verify-model hands it to the Node reference run. */
    public static void main(String[] args) {
        System.out.println(toJson());
    }
}
