package io.imageclassifier.export;

import java.util.List;

/**
 * A TF.js "layers-model" (a Keras functional model converted by the TensorFlow.js converter):
 * the layer graph and its weights.
 *
 * @param name        the Keras model name
 * @param layers      the layers, in the order model.json lists them
 * @param inputLayer  name of the single input layer
 * @param outputLayer name of the single output layer
 * @param weights     all weights of the weights manifest
 * @param generatedBy e.g. {@code keras v2.2.4-tf}, or empty
 * @param convertedBy e.g. {@code TensorFlow.js Converter v1.2.6}, or empty
 */
public record TfjsLayersModel(
        String name,
        List<KerasLayer> layers,
        String inputLayer,
        String outputLayer,
        TfjsWeights weights,
        String generatedBy,
        String convertedBy) {

    public TfjsLayersModel {
        layers = List.copyOf(layers);
    }
}
