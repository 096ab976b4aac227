"""Writes the Keras-exported ONNX fixtures of the onnx module's tests.

    KERAS_BACKEND=torch python3 scripts/onnx_keras_fixture.py [OUT_DIR]   (default onnx/src/test/resources/onnx)

Keras 3 on its torch backend exports with model.export(path, format="onnx") (torch.onnx underneath;
tf2onnx is not needed). The first two models are channels-first, as Striate's layers are; the last
two are channels-last, Keras's default. Keras's exporter writes a Conv without
bias followed by an Add of the bias, a Cast to float around every operator, ReduceMean for
GlobalAveragePooling2D and MatMul + Add for Dense. The weights (biases included, which Keras starts
at zero) are drawn at random so that every one of them shows in the outputs. Writes keras-cnn.onnx,
keras-cnn.input.npy and keras-cnn.output.npy (Keras's own outputs), and the input once more as a
TensorProto, keras-cnn.input.pb, written by onnx.numpy_helper as ONNX's test data sets are.

The second model, keras-bn-cnn, has BatchNormalization after both convolutions (the second
without beta, center=False) and after the first dense layer, with random gamma, beta, moving mean
and moving variance. Keras's exporter writes no BatchNormalization node for it: each becomes
Sub (moving mean), Mul (gamma / sqrt(variance + epsilon), folded into one constant) and Add (beta;
zeros written as a Constant node when center=False), by constants of shape (1, C, 1, 1) after a
convolution and (1, F) after a dense layer. Writes keras-bn-cnn.onnx, keras-bn-cnn.input.npy and
keras-bn-cnn.output.npy.

The channels-last models, keras-nhwc-flatten-cnn and keras-nhwc-gap-cnn, take (N, 14, 12, 3) (height
and width differ, and three channels, so that a mix-up of axes shows): Conv2D, BatchNormalization,
ReLU, MaxPooling2D, Conv2D without bias, BatchNormalization, ReLU, then Flatten or
GlobalAveragePooling2D, and Dense. The exporter keeps the graph channels-last: the input is
(N, H, W, C), a Transpose to (N, C, H, W) comes before every Conv and MaxPool and one back after it,
BatchNormalization's Sub, Mul and Add (and the conv's bias Add) take constants of shape (1, 1, 1, C),
Flatten is a Reshape of the (N, H, W, C) tensor to (N, H·W·C), and GlobalAveragePooling2D a ReduceMean
over axes 1 and 2. Each writes NAME.onnx, NAME.input.npy (Keras's channels-last input) and
NAME.output.npy.
"""
import os
import sys

os.environ.setdefault("KERAS_BACKEND", "torch")

import keras  # noqa: E402
import numpy as np  # noqa: E402


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "onnx/src/test/resources/onnx"
    cnn(out)
    bn_cnn(out)
    channels_last_cnn(out, "keras-nhwc-flatten-cnn", "flatten")
    channels_last_cnn(out, "keras-nhwc-gap-cnn", "global_average_pooling")


def random_weights(model, rng):
    """Every weight drawn at random; BatchNormalization's gamma and moving variance around 1, beta and moving mean around 0."""
    for layer in model.layers:
        weights = layer.get_weights()
        if isinstance(layer, keras.layers.BatchNormalization):
            positive = [v.path.endswith(("gamma", "moving_variance")) for v in layer.weights]
            layer.set_weights([(rng.uniform(0.5, 1.5, w.shape) if p else rng.normal(0, 0.3, w.shape)).astype(np.float32)
                               for w, p in zip(weights, positive)])
        elif weights:
            layer.set_weights([rng.normal(0, 0.3, w.shape).astype(np.float32) for w in weights])


def cnn(out):
    keras.utils.set_random_seed(1)
    keras.config.set_image_data_format("channels_first")
    inputs = keras.Input((1, 28, 28))
    x = keras.layers.Conv2D(8, 3, padding="same", activation="relu", name="conv1")(inputs)
    x = keras.layers.MaxPooling2D(2)(x)
    x = keras.layers.Conv2D(16, 3, activation="relu", name="conv2")(x)
    x = keras.layers.AveragePooling2D(2)(x)
    x = keras.layers.GlobalAveragePooling2D()(x)
    x = keras.layers.Dense(32, activation="relu", name="fc1")(x)
    outputs = keras.layers.Dense(10, name="fc2")(x)
    model = keras.Model(inputs, outputs)
    rng = np.random.default_rng(3)
    random_weights(model, rng)
    x = rng.random((3, 1, 28, 28), dtype=np.float32)
    y = np.asarray(model(x).detach().cpu().numpy(), dtype=np.float32)
    np.save(os.path.join(out, "keras-cnn.input.npy"), x)
    np.save(os.path.join(out, "keras-cnn.output.npy"), y)
    model.export(os.path.join(out, "keras-cnn.onnx"), format="onnx")
    from onnx import numpy_helper
    with open(os.path.join(out, "keras-cnn.input.pb"), "wb") as f:
        f.write(numpy_helper.from_array(x, name="input").SerializeToString())
    print("keras", keras.__version__, "backend", keras.backend.backend(), "->", os.path.join(out, "keras-cnn.onnx"), y.shape)


def bn_cnn(out):
    keras.utils.set_random_seed(2)
    keras.config.set_image_data_format("channels_first")
    inputs = keras.Input((1, 28, 28))
    x = keras.layers.Conv2D(8, 3, padding="same", name="conv1")(inputs)
    x = keras.layers.BatchNormalization(axis=1, name="bn1")(x)
    x = keras.layers.ReLU()(x)
    x = keras.layers.MaxPooling2D(2)(x)
    x = keras.layers.Conv2D(16, 3, use_bias=False, name="conv2")(x)
    x = keras.layers.BatchNormalization(axis=1, center=False, name="bn2")(x)
    x = keras.layers.ReLU()(x)
    x = keras.layers.GlobalAveragePooling2D()(x)
    x = keras.layers.Dense(32, name="fc1")(x)
    x = keras.layers.BatchNormalization(name="bn3")(x)
    x = keras.layers.ReLU()(x)
    outputs = keras.layers.Dense(10, name="fc2")(x)
    model = keras.Model(inputs, outputs)
    rng = np.random.default_rng(4)
    random_weights(model, rng)
    x = rng.random((3, 1, 28, 28), dtype=np.float32)
    y = np.asarray(model(x).detach().cpu().numpy(), dtype=np.float32)
    np.save(os.path.join(out, "keras-bn-cnn.input.npy"), x)
    np.save(os.path.join(out, "keras-bn-cnn.output.npy"), y)
    model.export(os.path.join(out, "keras-bn-cnn.onnx"), format="onnx")
    print("keras", keras.__version__, "backend", keras.backend.backend(), "->", os.path.join(out, "keras-bn-cnn.onnx"), y.shape)


def channels_last_cnn(out, name, head):
    keras.utils.set_random_seed(5)
    keras.config.set_image_data_format("channels_last")
    inputs = keras.Input((14, 12, 3))
    x = keras.layers.Conv2D(8, 3, padding="same", name="conv1")(inputs)
    x = keras.layers.BatchNormalization(name="bn1")(x)
    x = keras.layers.ReLU()(x)
    x = keras.layers.MaxPooling2D(2)(x)
    x = keras.layers.Conv2D(16, 3, use_bias=False, name="conv2")(x)
    x = keras.layers.BatchNormalization(name="bn2")(x)
    x = keras.layers.ReLU()(x)
    # made after set_image_data_format: a layer takes the format in force when it is made
    x = keras.layers.Flatten()(x) if head == "flatten" else keras.layers.GlobalAveragePooling2D()(x)
    outputs = keras.layers.Dense(10, name="fc")(x)
    model = keras.Model(inputs, outputs)
    random_weights(model, np.random.default_rng(6))
    x = np.random.default_rng(7).random((3, 14, 12, 3), dtype=np.float32)
    y = np.asarray(model(x).detach().cpu().numpy(), dtype=np.float32)
    np.save(os.path.join(out, name + ".input.npy"), x)
    np.save(os.path.join(out, name + ".output.npy"), y)
    model.export(os.path.join(out, name + ".onnx"), format="onnx")
    print("keras", keras.__version__, "backend", keras.backend.backend(), "->", os.path.join(out, name + ".onnx"), y.shape)


if __name__ == "__main__":
    main()
