"""Writes the PyTorch-trained fashion-cnn that the onnx module's fine-tuning test imports.

    python3 scripts/onnx_finetune_fixture.py [DATA_DIR] [OUT_DIR]
        (defaults /usr/share/datasets/fashion-mnist and onnx/src/test/resources/onnx)

The network is Striate's fashion-cnn layer for layer (conv 32 3x3 pad=1, relu, maxpool 2, conv 64
3x3 pad=1, relu, maxpool 2, flatten, dense 128, relu, dense 10), with the input normalisation
(x - mean) / std as its first two operations, so the ONNX model takes pixels in 0..1 and Striate
imports the normalisation as the model's own. It is trained briefly on purpose (one epoch on the
first 10,000 training images), so its convolutions are useful but its head has room to improve:
the test freezes the convolutions and checks that a further epoch keeps them bit-identical and does
not lower the accuracy. Writes fashion-cnn-torch.onnx (opset 17, TorchScript exporter) and prints
the test accuracy on the 10,000 test images.
"""
import gzip
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

MEAN, STD = 0.2860, 0.3530   # Fashion-MNIST's training pixels, rounded


def idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, np.uint8, offset=4 + 4 * dims).reshape(shape)


class FashionCnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.register_buffer("mean", torch.full((1, 1, 1), MEAN))
        self.register_buffer("std", torch.full((1, 1, 1), STD))
        self.conv1 = nn.Conv2d(1, 32, 3, padding=1)
        self.conv2 = nn.Conv2d(32, 64, 3, padding=1)
        self.fc1 = nn.Linear(64 * 7 * 7, 128)
        self.fc2 = nn.Linear(128, 10)

    def forward(self, x):
        x = (x - self.mean) / self.std
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        return self.fc2(F.relu(self.fc1(torch.flatten(x, 1))))


def main():
    data = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/datasets/fashion-mnist"
    out = sys.argv[2] if len(sys.argv) > 2 else "onnx/src/test/resources/onnx"
    torch.set_num_threads(1)
    torch.manual_seed(1)
    x = torch.from_numpy(idx(os.path.join(data, "train-images-idx3-ubyte.gz"))[:10000].astype(np.float32) / 255).unsqueeze(1)
    y = torch.from_numpy(idx(os.path.join(data, "train-labels-idx1-ubyte.gz"))[:10000].astype(np.int64))
    tx = torch.from_numpy(idx(os.path.join(data, "t10k-images-idx3-ubyte.gz")).astype(np.float32) / 255).unsqueeze(1)
    ty = torch.from_numpy(idx(os.path.join(data, "t10k-labels-idx1-ubyte.gz")).astype(np.int64))
    net = FashionCnn()
    opt = torch.optim.SGD(net.parameters(), lr=0.02, momentum=0.9)
    order = torch.randperm(len(x))
    net.train()
    for i in range(0, len(x), 64):
        b = order[i:i + 64]
        opt.zero_grad()
        F.cross_entropy(net(x[b]), y[b]).backward()
        opt.step()
    net.eval()
    with torch.no_grad():
        accuracy = (net(tx).argmax(1) == ty).float().mean().item()
    print(f"test accuracy after one epoch on 10,000 images: {accuracy:.4f}")
    torch.onnx.export(net, (tx[:1],), os.path.join(out, "fashion-cnn-torch.onnx"), opset_version=17, dynamo=False,
                      input_names=["input"], output_names=["output"], dynamic_axes={"input": {0: "N"}, "output": {0: "N"}})


if __name__ == "__main__":
    main()
