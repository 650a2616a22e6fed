#!/usr/bin/env python3
"""PyTorch twin of `samlab speed`: the same CIFAR ResNet18 (3x3 stem, no
max-pool, BatchNorm or --norm ln), the same training step (cross-entropy, backward, SGD
with momentum 0.9 and weight decay 5e-4; SAM = two passes), on random data.
Run it with the Python whose torch shares samlab's LibTorch (Debian:
/usr/bin/python3 with python3-torch, the same libtorch 1.13 as libtorch-dev):

    OMP_NUM_THREADS=2 /usr/bin/python3 bench/pytorch_resnet18.py --threads 2 --batch 128 --steps 5

Prints seconds per step and images per second per method, like samlab speed,
and on CUDA each method's peak memory (torch.cuda.max_memory_allocated).

Methods: sgd, sam, and 1sam (per-example SAM, samlab's 1-SAM: e_i =
rho*g_i/||g_i|| per example, step along the mean of grad l_i(w + e_i)) done
with torch.func (vmap over grad, no loop); 1sam needs torch >= 2.0 and a
batch-free normalisation, so it uses --norm ln (GroupNorm with one group, as
samlab's ln) whatever --norm says. With a PyTorch wheel on a GPU:

    python3 bench/pytorch_resnet18.py --device cuda --batch 128 --steps 20 --methods sgd,sam
    python3 bench/pytorch_resnet18.py --device cuda --batch 128 --steps 3 --methods 1sam
"""
import argparse
import time
import warnings

# A wheel without numpy warns when torch is imported; nothing here needs numpy.
warnings.filterwarnings("ignore", message="Failed to initialize NumPy")

import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402


def Norm(kind, c):
    """bn: BatchNorm; ln: GroupNorm with one group (LayerNorm over C,H,W), as samlab's ln."""
    return nn.BatchNorm2d(c) if kind == "bn" else nn.GroupNorm(1, c)


class Block(nn.Module):
    def __init__(self, cin, cout, stride, norm="bn"):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = Norm(norm, cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = Norm(norm, cout)
        self.shortcut = nn.Sequential()
        if stride != 1 or cin != cout:
            self.shortcut = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), Norm(norm, cout))

    def forward(self, x):
        o = F.relu(self.bn1(self.conv1(x)))
        o = self.bn2(self.conv2(o))
        return F.relu(o + self.shortcut(x))


class ResNet18(nn.Module):
    def __init__(self, width=1.0, cin=3, k=10, norm="bn"):
        super().__init__()
        ch = lambda b: max(1, int(b * width + 0.5))
        c = ch(64)
        self.conv1 = nn.Conv2d(cin, c, 3, 1, 1, bias=False)
        self.bn1 = Norm(norm, c)
        layers, cur = [], c
        for i, base in enumerate([64, 128, 256, 512]):
            for j in range(2):
                stride = 2 if i > 0 and j == 0 else 1
                layers.append(Block(cur, ch(base), stride, norm))
                cur = ch(base)
        self.layers = nn.Sequential(*layers)
        self.linear = nn.Linear(cur, k)

    def forward(self, x):
        h = F.relu(self.bn1(self.conv1(x)))
        h = self.layers(h)
        h = F.adaptive_avg_pool2d(h, 1).flatten(1)
        return self.linear(h)


def one_sam_step(model, opt, x, y, rho, chunk):
    """1-SAM with torch.func: per-example gradients by vmap(grad), each
    normalised to length rho, then the per-example gradients at the ascent
    points w + e_i (vmap over the perturbed weights too), averaged. chunk > 0
    does the batch that many examples at a time (exact, bounds memory)."""
    from torch.func import functional_call, grad, vmap

    names = [n for n, _ in model.named_parameters()]
    params = {n: q.detach() for n, q in model.named_parameters()}
    buffers = {n: b for n, b in model.named_buffers()}

    def loss1(prm, xi, yi):
        return F.cross_entropy(functional_call(model, (prm, buffers), (xi.unsqueeze(0),)), yi.unsqueeze(0))

    g_of_w = vmap(grad(loss1), in_dims=(None, 0, 0))
    g_of_wi = vmap(grad(loss1), in_dims=(0, 0, 0))
    total = {n: torch.zeros_like(params[n]) for n in names}
    step = chunk if chunk > 0 else x.shape[0]
    for s in range(0, x.shape[0], step):
        xc, yc = x[s:s + step], y[s:s + step]
        g = g_of_w(params, xc, yc)  # name -> [b, *shape]
        sq = sum(g[n].flatten(1).pow(2).sum(1) for n in names)
        scale = rho / (sq.sqrt() + 1e-12)
        pe = {n: params[n].unsqueeze(0) + g[n] * scale.view(-1, *([1] * params[n].dim())) for n in names}
        del g
        g2 = g_of_wi(pe, xc, yc)
        del pe
        for n in names:
            total[n] += g2[n].sum(0)
        del g2
    opt.zero_grad(set_to_none=True)
    for n, q in model.named_parameters():
        q.grad = total[n] / x.shape[0]
    opt.step()


def has_torch_func():
    try:
        from torch.func import functional_call, grad, vmap  # noqa: F401
    except ImportError:
        return False
    return True


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--methods", default="sgd,sam", help="comma-separated: sgd, sam, 1sam (torch.func vmap)")
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--steps", type=int, default=5)
    p.add_argument("--warmup", type=int, default=1)
    p.add_argument("--width", type=float, default=1.0)
    p.add_argument("--norm", default="bn", choices=["bn", "ln"], help="normalisation of sgd/sam (1sam always uses ln)")
    p.add_argument("--chunk", type=int, default=0, help="1sam: examples per vmap call (0: the whole batch)")
    p.add_argument("--threads", type=int, default=0)
    p.add_argument("--rho", type=float, default=0.01)
    p.add_argument("--device", default="cpu")
    a = p.parse_args()
    if a.threads > 0:
        torch.set_num_threads(a.threads)
    dev = torch.device(a.device)
    cuda = dev.type == "cuda"
    torch.manual_seed(0)
    x = torch.randn(a.batch, 3, 32, 32, device=dev)
    y = torch.randint(0, 10, (a.batch,), device=dev)
    print(f"pytorch {torch.__version__} resnet18/{a.norm} width {a.width}, batch {a.batch}, {a.steps} timed steps, {dev}, {torch.get_num_threads()} threads")
    print(f"{'method':8s} {'s/step':>10s} {'images/s':>10s} {'norm':>5s} {'peak_MiB':>9s}")
    for method in a.methods.split(","):
        norm = a.norm
        if method == "1sam":
            if not has_torch_func():
                print(f"{method:8s} skipped: torch {torch.__version__} has no torch.func")
                continue
            norm = "ln"
        elif method not in ("sgd", "sam"):
            raise SystemExit(f"unknown method {method!r} (want sgd, sam, 1sam)")
        model = ResNet18(a.width, norm=norm).to(dev)
        opt = torch.optim.SGD(model.parameters(), lr=1e-3, momentum=0.9, weight_decay=5e-4)
        norms = [m for m in model.modules() if isinstance(m, nn.BatchNorm2d)]

        def step():
            if method == "1sam":
                one_sam_step(model, opt, x, y, a.rho, a.chunk)
                return
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
                mom = [m.momentum for m in norms]
                for m in norms:
                    m.momentum = 0.0
                F.cross_entropy(model(x), y).backward()
                for m, v in zip(norms, mom):
                    m.momentum = v
                with torch.no_grad():
                    for q, e in zip(ps, es):
                        q.sub_(e)
            opt.step()

        if cuda:
            torch.cuda.synchronize()
            torch.cuda.reset_peak_memory_stats()
        for _ in range(a.warmup):
            step()
        if cuda:
            torch.cuda.synchronize()
        t = time.perf_counter()
        for _ in range(a.steps):
            step()
        if cuda:
            torch.cuda.synchronize()
        s = (time.perf_counter() - t) / a.steps
        peak = f"{torch.cuda.max_memory_allocated() / 2**20:.0f}" if cuda else "-"
        print(f"{method:8s} {s:10.4f} {a.batch / s:10.1f} {norm:>5s} {peak:>9s}", flush=True)
        del model, opt
        if cuda:
            torch.cuda.empty_cache()


if __name__ == "__main__":
    main()
