package org.striate.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.striate.io.Npy;
import org.striate.nn.Graph;
import org.striate.tensor.Tensor;

/**
 * Models exported by PyTorch (scripts/onnx_fixtures.py, committed with PyTorch's inputs and outputs)
 * import and give PyTorch's outputs within 1e-4.
 */
class PyTorchFixturesTest {
    static final Path DIR = Path.of("src/test/resources/onnx");

    @ParameterizedTest
    @CsvSource({"lenet-opset13,lenet,Conv2d", "lenet-opset17,lenet,Conv2d", "lenet-dynamo,lenet,Conv2d",
            "vgg-bn-opset13,vgg-bn,BatchNorm2d", "vgg-bn-opset17,vgg-bn,BatchNorm2d",
            "resnet-opset13,resnet,Add", "resnet-opset17,resnet,GlobalAvgPool2d",
            "avgpool-opset13,avgpool,AvgPool2d", "avgpool-opset17,avgpool,AvgPool2d",
            "unet-opset13,unet,ConvTranspose2d", "unet-opset17,unet,Upsample",
            "view-flatten-opset13,view-flatten,Flatten", "view-flatten-opset17,view-flatten,Softmax"})
    void importsAndMatchesPyTorch(String file, String data, String expectedLayer) throws Exception {
        Graph g = Onnx.load(DIR.resolve(file + ".onnx"));
        assertTrue(g.layers().stream().anyMatch(l -> l.type().equals(expectedLayer)), g.spec());
        Tensor x = Npy.read(DIR.resolve(data + ".input.npy"));
        Tensor want = Npy.read(DIR.resolve(data + ".output.npy"));
        Tensor y = g.forward(x, false);
        assertArrayEquals(want.shape(), y.shape());
        float worst = 0;
        for (int i = 0; i < want.size(); i++) worst = Math.max(worst, Math.abs(want.data[i] - y.data[i]));
        assertTrue(worst <= 1e-4f, file + ": largest difference " + worst + "\n" + g.spec());
    }

    @ParameterizedTest
    @CsvSource({"avgpool-opset17,count_pad=true", "vgg-bn-opset13,batchnorm", "lenet-dynamo,dense 10"})
    void architectureIsReadable(String file, String line) throws Exception {
        String spec = Onnx.load(DIR.resolve(file + ".onnx")).spec();
        assertTrue(spec.contains(line), spec);
        assertEquals(spec, Onnx.load(DIR.resolve(file + ".onnx")).spec(), "loading twice gives the same model");
        assertTrue(Files.size(DIR.resolve(file + ".onnx")) < 100_000);
    }
}
