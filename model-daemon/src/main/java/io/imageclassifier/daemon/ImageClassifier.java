package io.imageclassifier.daemon;

import java.util.List;

/** What the serving loop needs of a model: one call per batch, and where it runs. */
interface ImageClassifier {

    /** "CPU" or "CUDA 0", as the heartbeat reports it. */
    String device();

    /**
     * @param images each the model's width * height * 3 bytes of interleaved RGB; at most the batch size
     * @return one probability row per image, in order
     */
    float[][] classify(List<byte[]> images) throws Exception;

    /** ResNet50 in ONNX Runtime, which the daemon loads at start-up. */
    static ImageClassifier of(OnnxClassifier model) {
        return new ImageClassifier() {
            @Override
            public String device() {
                return model.device();
            }

            @Override
            public float[][] classify(List<byte[]> images) throws Exception {
                return model.classify(images);
            }
        };
    }
}
