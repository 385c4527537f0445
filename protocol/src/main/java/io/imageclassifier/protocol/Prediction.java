package io.imageclassifier.protocol;

/** One class and its probability, as the client sees it. */
public record Prediction(String label, double probability) {
}
