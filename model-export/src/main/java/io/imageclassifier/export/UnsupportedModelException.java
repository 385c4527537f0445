package io.imageclassifier.export;

/**
 * The TF.js layers model uses something the exporter does not translate (a layer type, a config
 * value, a weight layout), or is inconsistent with itself. The exporter stops rather than write an
 * ONNX model that would silently compute something else than the original.
 */
public class UnsupportedModelException extends RuntimeException {
    public UnsupportedModelException(String message) {
        super(message);
    }

    public UnsupportedModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
