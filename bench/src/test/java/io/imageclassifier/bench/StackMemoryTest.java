package io.imageclassifier.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class StackMemoryTest {

    @Test
    void growthIsRelativeToTheStart() {
        assertEquals(10.0, StackMemory.growth(100, 110));
        assertEquals(-50.0, StackMemory.growth(200, 100));
        assertTrue(Double.isNaN(StackMemory.growth(Double.NaN, 100)));
        assertTrue(Double.isNaN(StackMemory.growth(0, 100)));
    }
}
