#!/usr/bin/env python3
"""Keras 3 (TensorFlow backend, CPU) reference for the time-to-accuracy race, the counterpart of
../shared/bench/torch_reference.py `train`: same model layer for layer, same data, same recipe.

Model (channels-last, same layers as the project's built-in one):
  fashion-cnn  conv3x3x32 pad1 - relu - maxpool2 - conv3x3x64 pad1 - relu - maxpool2 - flatten - dense128 - relu - dense10

Recipe: Adam lr 1e-3, beta 0.9/0.999, epsilon 1e-8 (PyTorch's; Keras's default is 1e-7), sparse
categorical cross-entropy from logits averaged over the batch, batch 64 (the last batch of an epoch
has the 32 left over, as in PyTorch), pixels/255, the full 60,000 training images reshuffled every
epoch, accuracy on the full 10,000 test images after every epoch. Keras's default initialisation
(Glorot-uniform kernels, zero biases), not PyTorch's. Keras's Adam adds epsilon to sqrt(v) of the
uncorrected second moment (PyTorch: of the bias-corrected one); with epsilon 1e-8 this is negligible.

Training is a plain Keras training loop: one tf.function step (gather the batch, forward, loss,
gradients, Adam) called once per batch, and a tf.function for test accuracy in batches of 1000. In
400-step trials on 2 threads it was the faster: about 16 s an epoch against about 25 s for model.fit
(verbose=0, same data, no metrics or with them). XLA (jit_compile) is off, as Keras chooses on
CPU-only machines; with it on, an epoch took about twice as long. TensorFlow is limited to --threads threads for both intra- and inter-op
parallelism (tf.config, and TF_NUM_INTRAOP_THREADS / TF_NUM_INTEROP_THREADS / OMP_NUM_THREADS set
before TensorFlow is imported). The IDX .gz files are read here, as torch_reference.py does.

Timing: elapsed_s is wall time since the start of the first epoch, after the data are loaded and the
model and optimiser are built; it counts training and test evaluation, and the first epoch includes
tracing the training step (twice: the batches of 64 and the last batch of 32) and the evaluation
function, the warm-up that the Striate and PyTorch times include too.

Usage:
  keras_reference.py train --model fashion-cnn [--threads T] [--epochs E] [--data DIR] [--seed S]
Prints a header line, then one line per epoch: 'epoch N test_accuracy A elapsed_s S'.
"""
import argparse, gzip, os, struct, sys, time

def idx(path):
    import numpy as np
    with gzip.open(path) if path.endswith(".gz") else open(path, "rb") as f:
        data = f.read()
    magic, n = struct.unpack(">II", data[:8])
    if magic == 2051:
        rows, cols = struct.unpack(">II", data[8:16])
        return np.frombuffer(data, dtype=np.uint8, offset=16).reshape(n, rows, cols, 1).astype(np.float32) / 255.0
    return np.frombuffer(data, dtype=np.uint8, offset=8).astype(np.int32)

def model(name):
    import keras
    from keras import layers as L
    if name != "fashion-cnn":
        sys.exit("unknown model " + name)
    x = inp = keras.Input((28, 28, 1))
    for l in [L.Conv2D(32, 3, padding="same", activation="relu"), L.MaxPooling2D(2),
              L.Conv2D(64, 3, padding="same", activation="relu"), L.MaxPooling2D(2), L.Flatten(),
              L.Dense(128, activation="relu"), L.Dense(10)]:
        x = l(x)
    return keras.Model(inp, x)

def train(a):
    import numpy as np, tensorflow as tf, keras
    keras.utils.set_random_seed(a.seed)
    d = a.data
    xtr, ytr = idx(os.path.join(d, "train-images-idx3-ubyte.gz")), idx(os.path.join(d, "train-labels-idx1-ubyte.gz"))
    xte, yte = idx(os.path.join(d, "t10k-images-idx3-ubyte.gz")), idx(os.path.join(d, "t10k-labels-idx1-ubyte.gz"))
    xtr, ytr, xte, yte = (tf.constant(v) for v in (xtr, ytr, xte, yte))
    m = model(a.model)
    opt = keras.optimizers.Adam(learning_rate=1e-3, beta_1=0.9, beta_2=0.999, epsilon=1e-8)
    opt.build(m.trainable_variables)
    lossf = keras.losses.SparseCategoricalCrossentropy(from_logits=True)  # mean over the batch

    @tf.function
    def step(x, y, j):
        xb, yb = tf.gather(x, j), tf.gather(y, j)
        with tf.GradientTape() as tape:
            loss = lossf(yb, m(xb, training=True))
        opt.apply_gradients(zip(tape.gradient(loss, m.trainable_variables), m.trainable_variables))

    @tf.function
    def correct(x, y):
        return tf.reduce_sum(tf.cast(tf.equal(tf.argmax(m(x, training=False), 1, output_type=tf.int32), y), tf.int32))

    n, rng = int(xtr.shape[0]), np.random.default_rng(a.seed)
    t0 = time.perf_counter()
    for ep in range(a.epochs):
        perm = rng.permutation(n).astype(np.int32)
        for i in range(0, n, a.batch):
            step(xtr, ytr, perm[i:i + a.batch])
        acc = sum(int(correct(xte[i:i + 1000], yte[i:i + 1000])) for i in range(0, len(xte), 1000)) / len(xte)
        print(f"epoch {ep + 1} test_accuracy {acc:.4f} elapsed_s {time.perf_counter() - t0:.1f}", flush=True)

if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("what", choices=["train"])
    p.add_argument("--model", default="fashion-cnn")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--epochs", type=int, default=5)
    p.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    p.add_argument("--seed", type=int, default=0)
    a = p.parse_args()
    T = str(a.threads)
    os.environ.update(TF_CPP_MIN_LOG_LEVEL="3", KERAS_BACKEND="tensorflow", OMP_NUM_THREADS=T,
                      TF_NUM_INTRAOP_THREADS=T, TF_NUM_INTEROP_THREADS=T)
    import tensorflow as tf
    tf.get_logger().setLevel("ERROR")
    tf.config.threading.set_intra_op_parallelism_threads(a.threads)
    tf.config.threading.set_inter_op_parallelism_threads(a.threads)
    import keras
    print(f"keras {keras.__version__} tensorflow {tf.__version__} threads {tf.config.threading.get_intra_op_parallelism_threads()}"
          f"/{tf.config.threading.get_inter_op_parallelism_threads()} model {a.model} batch {a.batch}")
    train(a)
