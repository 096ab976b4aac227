"""PyTorch reference for `striate train --task segment`: unet-small, layer for layer, on the same
fashion-scenes written by `striate data scenes --out DIR`, with the same optimiser (Adam 1e-3),
batch size, epochs, per-channel normalisation and mean IoU (classes present in truth or prediction).

    python3 bench/torch_unet_scenes.py DIR --epochs 5 --batch 32 --threads 2 [--limit N]
"""
import argparse, os, time
import numpy as np
import torch
from torch import nn
from PIL import Image


def load(split_dir, limit=None):
    names = sorted(os.listdir(os.path.join(split_dir, "images")))[:limit]
    x = np.stack([np.asarray(Image.open(os.path.join(split_dir, "images", n)).convert("L"), dtype=np.float32) / 255 for n in names])
    y = np.stack([np.asarray(Image.open(os.path.join(split_dir, "masks", n)), dtype=np.int64) for n in names])
    return torch.from_numpy(x[:, None]), torch.from_numpy(y)


def block(cin, cout):
    return nn.Sequential(nn.Conv2d(cin, cout, 3, padding=1), nn.BatchNorm2d(cout), nn.ReLU(),
                         nn.Conv2d(cout, cout, 3, padding=1), nn.BatchNorm2d(cout), nn.ReLU())


class UNetSmall(nn.Module):
    def __init__(self, classes):
        super().__init__()
        self.enc1, self.enc2, self.mid = block(1, 16), block(16, 32), block(32, 64)
        self.up2, self.dec2 = nn.ConvTranspose2d(64, 32, 2, stride=2), block(64, 32)
        self.up1, self.dec1 = nn.ConvTranspose2d(32, 16, 2, stride=2), block(32, 16)
        self.head = nn.Conv2d(16, classes, 1)

    def forward(self, x):
        e1 = self.enc1(x)
        e2 = self.enc2(nn.functional.max_pool2d(e1, 2))
        m = self.mid(nn.functional.max_pool2d(e2, 2))
        d2 = self.dec2(torch.cat([self.up2(m), e2], 1))
        d1 = self.dec1(torch.cat([self.up1(d2), e1], 1))
        return self.head(d1)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("dir"); p.add_argument("--epochs", type=int, default=5); p.add_argument("--batch", type=int, default=32)
    p.add_argument("--threads", type=int, default=2); p.add_argument("--limit", type=int); p.add_argument("--seed", type=int, default=0)
    a = p.parse_args()
    torch.set_num_threads(a.threads); torch.manual_seed(a.seed)
    xtr, ytr = load(os.path.join(a.dir, "train"), a.limit)
    xte, yte = load(os.path.join(a.dir, "test"))
    mean, std = xtr.mean(), xtr.std()
    xtr, xte = (xtr - mean) / std, (xte - mean) / std
    k = 11
    model = UNetSmall(k)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    start = time.time()
    for epoch in range(a.epochs):
        model.train()
        order = torch.randperm(len(xtr))
        total = 0.0
        for i in range(0, len(xtr), a.batch):
            idx = order[i:i + a.batch]
            loss = nn.functional.cross_entropy(model(xtr[idx]), ytr[idx])
            opt.zero_grad(); loss.backward(); opt.step()
            total += loss.item() * len(idx)
        print(f"epoch {epoch + 1}/{a.epochs}  train loss {total / len(xtr):.4f}  elapsed {time.time() - start:.1f}s", flush=True)
    train_seconds = time.time() - start
    model.eval()
    conf = torch.zeros(k, k, dtype=torch.int64)
    with torch.no_grad():
        for i in range(0, len(xte), 64):
            pred = model(xte[i:i + 64]).argmax(1)
            conf += torch.bincount(yte[i:i + 64].flatten() * k + pred.flatten(), minlength=k * k).reshape(k, k)
    tp = conf.diag().double(); union = conf.sum(0).double() + conf.sum(1).double() - tp
    iou = tp[union > 0] / union[union > 0]
    print(f"test pixel accuracy {(tp.sum() / conf.sum()).item():.4f} mean IoU {iou.mean().item():.4f} "
          f"({a.epochs} epochs, {len(xtr)} scenes, {train_seconds:.1f}s training, torch {torch.__version__}, {a.threads} threads)")


if __name__ == "__main__":
    main()
