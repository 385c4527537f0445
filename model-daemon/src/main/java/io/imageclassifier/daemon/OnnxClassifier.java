package io.imageclassifier.daemon;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.imageclassifier.protocol.CpuFeatures;
import io.imageclassifier.protocol.ModelContract;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * ResNet50 in ONNX Runtime: takes 8-bit RGB images, applies the Keras "caffe" preprocessing the
 * model was trained with, runs one batch per call and returns the softmax rows.
 *
 * <p>The input buffer is allocated once for the largest batch and reused: a direct buffer is
 * handed to ONNX Runtime without copying, and allocating 19 MB per batch would only feed the GC.
 * Every tensor and result is closed, since ONNX Runtime's native memory is not garbage collected.
 */
public final class OnnxClassifier implements AutoCloseable {

    private static final String INPUT_NAME = ModelContract.INPUT_NAME;
    private static final Logger LOG = Logger.getLogger(OnnxClassifier.class.getName());

    private final OrtEnvironment environment;
    private final OrtSession session;
    private final int width;
    private final int height;
    private final int maxBatch;
    private final FloatBuffer input;
    private final String deviceDescription;

    public OnnxClassifier(Path modelFile, String device, int threads, int maxBatch, int width, int height)
            throws OrtException {
        if (!Files.isReadable(modelFile)) {
            throw new IllegalStateException("model file " + modelFile.toAbsolutePath()
                    + " is missing; run scripts/setup (it exports the model)");
        }
        this.width = width;
        this.height = height;
        this.maxBatch = maxBatch;
        this.environment = OrtEnvironment.getEnvironment();
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        // ONNX Runtime's own default ran ResNet50 on one thread here (40 ms a batch of 1 on two
        // cores, against 22 ms with two threads), so 0 means one thread per core we can see.
        options.setIntraOpNumThreads(threads > 0 ? threads : Runtime.getRuntime().availableProcessors());
        // Idle ONNX Runtime threads spin by default, burning the CPU that Tomcat needs to decode
        // the next uploads on the same host.
        options.addConfigEntry("session.intra_op.allow_spinning", "0");
        this.deviceDescription = selectDevice(options, device);
        this.session = environment.createSession(modelFile.toString(), options);
        checkModelShape();
        warnIfInt8MadeForAnotherCpu(modelFile);
        this.input = ByteBuffer.allocateDirect(maxBatch * width * height * 3 * Float.BYTES)
                .order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    /** "CPU" or "CUDA 0": where the model actually runs. */
    public String device() {
        return deviceDescription;
    }

    /**
     * @param images each {@code width * height * 3} bytes of interleaved RGB; at most the batch size
     * @return one probability row per image, in order
     */
    public float[][] classify(List<byte[]> images) throws OrtException {
        int count = images.size();
        if (count == 0 || count > maxBatch) {
            throw new IllegalArgumentException("batch of " + count + " images; expected 1.." + maxBatch);
        }
        input.clear();
        for (byte[] rgb : images) {
            putCaffePreprocessed(rgb);
        }
        input.flip();
        long[] shape = {count, height, width, 3};
        try (OnnxTensor tensor = OnnxTensor.createTensor(environment, input, shape);
             OrtSession.Result result = session.run(Map.of(INPUT_NAME, tensor))) {
            return (float[][]) result.get(0).getValue();
        }
    }

    private void putCaffePreprocessed(byte[] rgb) {
        if (rgb.length != width * height * 3) {
            throw new IllegalArgumentException("image has " + rgb.length + " bytes; expected " + width * height * 3);
        }
        ModelContract.putCaffePreprocessed(rgb, input);
    }

    private static String selectDevice(OrtSession.SessionOptions options, String device) {
        if (device.equalsIgnoreCase("cpu")) {
            return "CPU";
        }
        if (!device.toLowerCase().startsWith("cuda")) {
            throw new IllegalArgumentException("model.device must be cpu or cuda:N, got '" + device + "'");
        }
        int gpu = device.contains(":") ? Integer.parseInt(device.substring(device.indexOf(':') + 1)) : 0;
        try {
            options.addCUDA(gpu);
            return "CUDA " + gpu;
        } catch (OrtException | RuntimeException | UnsatisfiedLinkError e) {
            // The CPU build has no CUDA provider, and the GPU build fails here without a usable driver.
            LOG.warning("CUDA device " + gpu + " cannot be used (" + e.getMessage() + "); running on CPU instead");
            return "CPU";
        }
    }

    private void checkModelShape() throws OrtException {
        NodeInfo inputInfo = session.getInputInfo().get(INPUT_NAME);
        if (inputInfo == null) {
            throw new IllegalStateException("the model has no input named '" + INPUT_NAME + "'; inputs: "
                    + session.getInputNames());
        }
        long[] shape = ((TensorInfo) inputInfo.getInfo()).getShape();
        if (shape.length != 4 || shape[1] != height || shape[2] != width || shape[3] != 3) {
            throw new IllegalStateException("the model expects input " + java.util.Arrays.toString(shape)
                    + " but the settings say " + width + "x" + height + "x3 (NHWC)");
        }
    }

    /**
     * An int8 model with 8-bit weights is exported only on a CPU with VNNI; on one without, ONNX
     * Runtime's AVX2 kernels overflow on it and its answers drift far from fp32's. One line then,
     * naming the fix, rather than quietly worse labels.
     */
    private void warnIfInt8MadeForAnotherCpu(Path modelFile) throws OrtException {
        String weightBits = session.getMetadata().getCustomMetadata().get(ModelContract.INT8_WEIGHT_BITS_KEY);
        if ("8".equals(weightBits) && deviceDescription.equals("CPU") && !CpuFeatures.hasVnni()) {
            LOG.warning(modelFile + " has 8-bit weights for CPUs with VNNI, which this one lacks: its labels will"
                    + " often differ from fp32's; export it again on this host (scripts/export-model)");
        }
    }

    @Override
    public void close() throws OrtException {
        session.close();
    }
}
