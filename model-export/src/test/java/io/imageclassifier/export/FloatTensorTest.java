package io.imageclassifier.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class FloatTensorTest {

    @Test
    void transposeReordersAxesLikeNumpy() {
        // [[1, 2, 3], [4, 5, 6]] transposed is [[1, 4], [2, 5], [3, 6]].
        FloatTensor t = new FloatTensor(new int[] {2, 3}, new float[] {1, 2, 3, 4, 5, 6});

        FloatTensor tt = t.transpose(1, 0);

        assertArrayEquals(new int[] {3, 2}, tt.shape());
        assertArrayEquals(new float[] {1, 4, 2, 5, 3, 6}, tt.data());
    }

    @Test
    void hwioKernelBecomesOihwWithEveryElementInPlace() {
        // A Keras conv kernel [rows=2, cols=3, in=4, out=5] whose values encode their own index.
        int h = 2, w = 3, i = 4, o = 5;
        float[] data = new float[h * w * i * o];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int c = 0; c < i; c++) {
                    for (int f = 0; f < o; f++) {
                        data[((y * w + x) * i + c) * o + f] = 1000 * y + 100 * x + 10 * c + f;
                    }
                }
            }
        }

        FloatTensor oihw = new FloatTensor(new int[] {h, w, i, o}, data).transpose(3, 2, 0, 1);

        assertArrayEquals(new int[] {o, i, h, w}, oihw.shape());
        for (int f = 0; f < o; f++) {
            for (int c = 0; c < i; c++) {
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        assertEquals(1000 * y + 100 * x + 10 * c + f, oihw.data()[((f * i + c) * h + y) * w + x]);
                    }
                }
            }
        }
    }

    @Test
    void shapeAndDataMustAgree() {
        assertThrows(IllegalArgumentException.class, () -> new FloatTensor(new int[] {2, 2}, new float[3]));
    }
}
