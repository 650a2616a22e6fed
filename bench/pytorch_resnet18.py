#!/usr/bin/env python3
"""PyTorch twin of `samlab speed`: the same CIFAR ResNet18 (3x3 stem, no
max-pool, BatchNorm), the same training step (cross-entropy, backward, SGD
with momentum 0.9 and weight decay 5e-4; SAM = two passes), on random data.
Run it with the Python whose torch shares samlab's LibTorch (Debian:
/usr/bin/python3 with python3-torch, the same libtorch 1.13 as libtorch-dev):

    OMP_NUM_THREADS=2 /usr/bin/python3 bench/pytorch_resnet18.py --threads 2 --batch 128 --steps 5

Prints seconds per step and images per second per method, like samlab speed.
"""
import argparse
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class Block(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.shortcut = nn.Sequential()
        if stride != 1 or cin != cout:
            self.shortcut = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        o = F.relu(self.bn1(self.conv1(x)))
        o = self.bn2(self.conv2(o))
        return F.relu(o + self.shortcut(x))


class ResNet18(nn.Module):
    def __init__(self, width=1.0, cin=3, k=10):
        super().__init__()
        ch = lambda b: max(1, int(b * width + 0.5))
        c = ch(64)
        self.conv1 = nn.Conv2d(cin, c, 3, 1, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(c)
        layers, cur = [], c
        for i, base in enumerate([64, 128, 256, 512]):
            for j in range(2):
                stride = 2 if i > 0 and j == 0 else 1
                layers.append(Block(cur, ch(base), stride))
                cur = ch(base)
        self.layers = nn.Sequential(*layers)
        self.linear = nn.Linear(cur, k)

    def forward(self, x):
        h = F.relu(self.bn1(self.conv1(x)))
        h = self.layers(h)
        h = F.adaptive_avg_pool2d(h, 1).flatten(1)
        return self.linear(h)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--methods", default="sgd,sam")
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--steps", type=int, default=5)
    p.add_argument("--warmup", type=int, default=1)
    p.add_argument("--width", type=float, default=1.0)
    p.add_argument("--threads", type=int, default=0)
    p.add_argument("--rho", type=float, default=0.01)
    p.add_argument("--device", default="cpu")
    a = p.parse_args()
    if a.threads > 0:
        torch.set_num_threads(a.threads)
    dev = torch.device(a.device)
    torch.manual_seed(0)
    x = torch.randn(a.batch, 3, 32, 32, device=dev)
    y = torch.randint(0, 10, (a.batch,), device=dev)
    print(f"pytorch {torch.__version__} resnet18/bn width {a.width}, batch {a.batch}, {a.steps} timed steps, {dev}, {torch.get_num_threads()} threads")
    print(f"{'method':8s} {'s/step':>10s} {'images/s':>10s}")
    for method in a.methods.split(","):
        model = ResNet18(a.width).to(dev)
        opt = torch.optim.SGD(model.parameters(), lr=1e-3, momentum=0.9, weight_decay=5e-4)

        def step():
            opt.zero_grad(set_to_none=True)
            F.cross_entropy(model(x), y).backward()
            if method == "sam":
                ps = [q for q in model.parameters() if q.grad is not None]
                with torch.no_grad():
                    n = torch.norm(torch.stack([q.grad.norm() for q in ps]))
                    es = [q.grad * (a.rho / (n + 1e-12)) for q in ps]
                    for q, e in zip(ps, es):
                        q.add_(e)
                opt.zero_grad(set_to_none=True)
                # second pass: batch statistics, running stats not updated
                mom = [m.momentum for m in model.modules() if isinstance(m, nn.BatchNorm2d)]
                for m in model.modules():
                    if isinstance(m, nn.BatchNorm2d):
                        m.momentum = 0.0
                F.cross_entropy(model(x), y).backward()
                i = 0
                for m in model.modules():
                    if isinstance(m, nn.BatchNorm2d):
                        m.momentum = mom[i]
                        i += 1
                with torch.no_grad():
                    for q, e in zip(ps, es):
                        q.sub_(e)
            opt.step()

        for _ in range(a.warmup):
            step()
        if dev.type == "cuda":
            torch.cuda.synchronize()
        t = time.perf_counter()
        for _ in range(a.steps):
            step()
        if dev.type == "cuda":
            torch.cuda.synchronize()
        s = (time.perf_counter() - t) / a.steps
        print(f"{method:8s} {s:10.4f} {a.batch / s:10.1f}")


if __name__ == "__main__":
    main()
