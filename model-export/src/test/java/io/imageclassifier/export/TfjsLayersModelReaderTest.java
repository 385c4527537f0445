package io.imageclassifier.export;

import static io.imageclassifier.export.TfjsModelFixture.imageInput;
import static io.imageclassifier.export.TfjsModelFixture.shape;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading model.json and the weight shards of a TF.js layers model. */
class TfjsLayersModelReaderTest {

    @TempDir
    Path dir;

    private static TfjsModelFixture twoWeights() {
        return imageInput("in", 1, 1, 2)
                .layer("Conv2D", "conv", "in", "filters", 3, "kernel_size", 1, "use_bias", true)
                .weight("conv/kernel", shape(1, 1, 2, 3), 1.5f, -2, 3, 4, 5, 6.25f)
                .weight("conv/bias", shape(3), 7, 8, -9);
    }

    @Test
    void readsTheLayerGraphAndItsEndpoints() throws Exception {
        TfjsLayersModel model = twoWeights().read(dir);

        assertEquals("fixture", model.name());
        assertEquals("in", model.inputLayer());
        assertEquals("conv", model.outputLayer());
        assertEquals(List.of("InputLayer", "Conv2D"), model.layers().stream().map(KerasLayer::className).toList());
        KerasLayer conv = model.layers().get(1);
        assertEquals(List.of("in"), conv.inboundLayers());
        assertEquals(3, conv.integer("filters"));
        assertArrayEquals(new int[] {1, 1}, conv.intPair("kernel_size")); // a single int means both axes
        assertEquals("keras v2.2.4-tf", model.generatedBy());
    }

    @Test
    void weightsAreLittleEndianFloatsBackToBackAcrossShardsInManifestOrder() throws Exception {
        // 9 floats = 36 bytes in shards of 8 bytes: 5 shards, and the kernel ends mid-shard.
        TfjsLayersModel model = twoWeights().shardBytes(8).read(dir);

        assertTrue(Files.exists(dir.resolve("group1-shard5of5.bin")));
        assertEquals(List.of("conv/kernel", "conv/bias"), model.weights().names());
        assertEquals(9, model.weights().parameterCount());
        KerasLayer conv = model.layers().get(1);
        FloatTensor kernel = model.weights().take(conv, "kernel", 1, 1, 2, 3);
        FloatTensor bias = model.weights().take(conv, "bias", 3);
        assertArrayEquals(new float[] {1.5f, -2, 3, 4, 5, 6.25f}, kernel.data());
        assertArrayEquals(new float[] {7, 8, -9}, bias.data());
        assertTrue(model.weights().untaken().isEmpty());
    }

    @Test
    void aShardShorterThanTheManifestSaysIsAnError() throws Exception {
        twoWeights().shardBytes(8).writeTo(dir);
        Files.write(dir.resolve("group1-shard5of5.bin"), new byte[2]);

        UnsupportedModelException e = assertThrows(UnsupportedModelException.class, () -> TfjsLayersModelReader.read(dir));

        assertTrue(e.getMessage().contains("hold 34 bytes but the manifest describes 36 bytes"), e.getMessage());
    }

    @Test
    void aMissingShardIsAnError() throws Exception {
        twoWeights().shardBytes(8).writeTo(dir);
        Files.delete(dir.resolve("group1-shard2of5.bin"));

        UnsupportedModelException e = assertThrows(UnsupportedModelException.class, () -> TfjsLayersModelReader.read(dir));

        assertTrue(e.getMessage().contains("group1-shard2of5.bin is missing"), e.getMessage());
    }

    @Test
    void nonFloat32WeightsAreRejected() {
        UnsupportedModelException e = assertThrows(UnsupportedModelException.class,
                () -> twoWeights().manifestDtype("int32").read(dir));
        assertTrue(e.getMessage().contains("dtype int32"), e.getMessage());
    }

    @Test
    void aGraphModelIsRejected() {
        UnsupportedModelException e = assertThrows(UnsupportedModelException.class,
                () -> twoWeights().format("graph-model").read(dir));
        assertTrue(e.getMessage().contains("format 'graph-model' is not supported"), e.getMessage());
    }

    @Test
    void aDirectoryWithoutModelJsonIsReportedAsSuch() {
        UnsupportedModelException e = assertThrows(UnsupportedModelException.class, () -> TfjsLayersModelReader.read(dir));
        assertTrue(e.getMessage().contains("no model.json"), e.getMessage());
    }
}
