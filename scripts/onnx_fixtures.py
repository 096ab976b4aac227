"""Writes the PyTorch-exported ONNX fixtures of the onnx module's tests.

    python3 scripts/onnx_fixtures.py [OUT_DIR]      (default onnx/src/test/resources/onnx)

For each small network: NAME-opset13.onnx and NAME-opset17.onnx (the TorchScript exporter,
dynamo=False), NAME.input.npy (float32, batch first) and NAME.output.npy (PyTorch's output in eval
mode). lenet is also exported with the newer exporter (dynamo=True, opset 18, weights in an external
lenet-dynamo.onnx.data file) when onnxscript is installed. Seeds are fixed; BatchNorm statistics are
made non-trivial by a few training-mode passes, so folding and running statistics both matter.
"""
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


class LeNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5, padding=2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 32)
        self.fc2 = nn.Linear(32, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        return self.fc2(F.relu(self.fc1(torch.flatten(x, 1))))


class VggBn(nn.Module):
    """BatchNorm after ReLU (not after a conv, so it is not folded) and BatchNorm1d in the head."""
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 8, 3, padding=1), nn.ReLU(), nn.BatchNorm2d(8), nn.MaxPool2d(2),
            nn.Conv2d(8, 8, 3, padding=1, bias=False), nn.LeakyReLU(0.1), nn.BatchNorm2d(8), nn.MaxPool2d(2))
        self.head = nn.Sequential(nn.Flatten(), nn.Linear(8 * 4 * 4, 16), nn.BatchNorm1d(16), nn.Tanh(), nn.Dropout(0.3), nn.Linear(16, 5))

    def forward(self, x):
        return self.head(self.features(x))


class Block(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.short = None if stride == 1 and cin == cout else nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        y = self.bn2(self.conv2(F.relu(self.bn1(self.conv1(x)))))
        return F.relu(y + (x if self.short is None else self.short(x)))


class ResNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(1, 8, 3, padding=1, bias=False), nn.BatchNorm2d(8), nn.ReLU())
        self.layer1 = Block(8, 8, 1)
        self.layer2 = Block(8, 16, 2)
        self.fc = nn.Linear(16, 10)

    def forward(self, x):
        x = self.layer2(self.layer1(self.stem(x)))
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))


class AvgPools(nn.Module):
    """Average pooling with count_include_pad both ways, a grouped and dilated conv, and a sigmoid."""
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(2, 4, 3, padding=2, dilation=2, groups=2)
        self.pool_in = nn.AvgPool2d(3, stride=1, padding=1, count_include_pad=True)
        self.pool_out = nn.AvgPool2d(3, stride=2, padding=1, count_include_pad=False)
        self.fc = nn.Linear(4 * 6 * 6, 3)

    def forward(self, x):
        x = self.pool_out(self.pool_in(torch.sigmoid(self.conv(x))))
        return self.fc(x.flatten(1))


class UNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.enc1 = nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU())
        self.enc2 = nn.Sequential(nn.Conv2d(4, 8, 3, padding=1), nn.ReLU())
        self.mid = nn.Sequential(nn.Conv2d(8, 8, 3, padding=1), nn.ReLU())
        self.up2 = nn.ConvTranspose2d(8, 8, 2, stride=2)
        self.dec2 = nn.Conv2d(16, 4, 3, padding=1)
        self.up1 = nn.Upsample(scale_factor=2, mode="nearest")
        self.dec1 = nn.Conv2d(8, 4, 3, padding=1)
        self.up0 = nn.Upsample(scale_factor=2, mode="bilinear", align_corners=False)
        self.out = nn.Conv2d(4, 3, 1)

    def forward(self, x):
        e1 = self.enc1(x)                        # 4 x 16 x 16
        e2 = self.enc2(F.max_pool2d(e1, 2))      # 8 x 8 x 8
        m = self.mid(F.max_pool2d(e2, 2))        # 8 x 4 x 4
        d2 = F.relu(self.dec2(torch.cat([self.up2(m), e2], 1)))          # 4 x 8 x 8
        d1 = F.relu(self.dec1(torch.cat([self.up1(d2), e1], 1)))   # 4 x 16 x 16
        return self.out(self.up0(F.avg_pool2d(d1, 2)))                    # 3 x 16 x 16


class ViewFlat(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 4, 3, stride=2, padding=(1, 0))
        self.fc = nn.Linear(4 * 6 * 5, 6)

    def forward(self, x):
        x = F.relu(self.conv(x))
        x = x.view(x.size(0), -1)
        return F.softmax(self.fc(x), dim=1)


NETS = {
    "lenet": (LeNet, (1, 28, 28)),
    "vgg-bn": (VggBn, (3, 16, 16)),
    "resnet": (ResNet, (1, 12, 12)),
    "avgpool": (AvgPools, (2, 12, 12)),
    "unet": (UNet, (1, 16, 16)),
    "view-flatten": (ViewFlat, (1, 12, 11)),
}


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "onnx/src/test/resources/onnx"
    os.makedirs(out, exist_ok=True)
    for name, (cls, shape) in NETS.items():
        torch.manual_seed(1)
        net = cls()
        net.train()
        with torch.no_grad():
            for _ in range(3):
                net(torch.randn(8, *shape) * 2 + 0.5)   # running statistics away from (0, 1)
        net.eval()
        x = torch.randn(3, *shape, generator=torch.Generator().manual_seed(2))
        with torch.no_grad():
            y = net(x)
        np.save(os.path.join(out, name + ".input.npy"), x.numpy().astype(np.float32))
        np.save(os.path.join(out, name + ".output.npy"), y.numpy().astype(np.float32))
        for opset in (13, 17):
            torch.onnx.export(net, (x,), os.path.join(out, f"{name}-opset{opset}.onnx"), opset_version=opset, dynamo=False,
                              input_names=["input"], output_names=["output"], dynamic_axes={"input": {0: "N"}, "output": {0: "N"}})
    try:
        import onnxscript  # noqa: F401  (the newer exporter needs it)
    except ImportError:
        print("onnxscript is not installed: no dynamo export")
        return
    torch.manual_seed(1)
    net = LeNet().eval()
    x = torch.from_numpy(np.load(os.path.join(out, "lenet.input.npy")))
    path = os.path.join(out, "lenet-dynamo.onnx")
    torch.onnx.export(net, (x,), path, dynamo=True, external_data=True)
    print("dynamo export:", sorted(f for f in os.listdir(out) if f.startswith("lenet-dynamo")))


if __name__ == "__main__":
    main()
