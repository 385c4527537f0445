package io.imageclassifier.export;

import java.util.Arrays;

/**
 * A dense float32 tensor in row-major (C) order: how TF.js stores weights, and how ONNX raw tensor
 * data is laid out.
 */
public record FloatTensor(int[] shape, float[] data) {

    public FloatTensor {
        shape = shape.clone();
        if (elementCount(shape) != data.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " needs "
                    + elementCount(shape) + " values, got " + data.length);
        }
    }

    @Override
    public int[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    public int dim(int axis) {
        return shape[axis];
    }

    public static long elementCount(int[] shape) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in " + Arrays.toString(shape));
            }
            n *= d;
        }
        return n;
    }

    /** Returns a new tensor whose axis {@code i} is axis {@code perm[i]} of this one (numpy.transpose). */
    public FloatTensor transpose(int... perm) {
        int rank = shape.length;
        if (perm.length != rank) {
            throw new IllegalArgumentException("permutation " + Arrays.toString(perm) + " for rank " + rank);
        }
        int[] newShape = new int[rank];
        for (int i = 0; i < rank; i++) {
            newShape[i] = shape[perm[i]];
        }
        // Strides of the source, expressed in the order of the destination's axes, so that walking
        // the destination in row-major order is a simple odometer over these strides.
        int[] srcStrides = new int[rank];
        int stride = 1;
        for (int axis = rank - 1; axis >= 0; axis--) {
            srcStrides[axis] = stride;
            stride *= shape[axis];
        }
        int[] strideForDest = new int[rank];
        for (int i = 0; i < rank; i++) {
            strideForDest[i] = srcStrides[perm[i]];
        }
        float[] out = new float[data.length];
        int[] index = new int[rank];
        int src = 0;
        for (int dest = 0; dest < out.length; dest++) {
            out[dest] = data[src];
            // Advance the destination index like an odometer, keeping the source offset in step.
            for (int axis = rank - 1; axis >= 0; axis--) {
                if (++index[axis] < newShape[axis]) {
                    src += strideForDest[axis];
                    break;
                }
                src -= strideForDest[axis] * (newShape[axis] - 1);
                index[axis] = 0;
            }
        }
        return new FloatTensor(newShape, out);
    }

    @Override
    public String toString() {
        return "FloatTensor" + Arrays.toString(shape);
    }
}
