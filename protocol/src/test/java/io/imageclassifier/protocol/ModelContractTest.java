package io.imageclassifier.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;

class ModelContractTest {

    @Test
    void jsonCarriesEveryValueTheVerifierReads() {
        JsonObject json = JsonParser.parseString(ModelContract.toJson()).getAsJsonObject();

        assertEquals("input", json.get("inputName").getAsString());
        assertEquals("probabilities", json.get("outputName").getAsString());
        assertEquals("NHWC", json.get("layout").getAsString());
        assertEquals(224, json.get("imageSize").getAsInt());
        assertEquals(3, json.get("channels").getAsInt());
        assertEquals(1000, json.get("classes").getAsInt());
        assertEquals("BGR", json.get("channelOrder").getAsString());
        assertEquals(103.939, json.getAsJsonArray("meanBgr").get(0).getAsDouble());
        assertEquals(116.779, json.getAsJsonArray("meanBgr").get(1).getAsDouble());
        assertEquals(123.68, json.getAsJsonArray("meanBgr").get(2).getAsDouble());
    }

    @Test
    void preprocessingTextNamesTheMeans() {
        assertEquals("keras caffe: NHWC float32, channels in BGR order,"
                + " minus means B=103.939 G=116.779 R=123.68, no scaling", ModelContract.PREPROCESSING);
    }
}
