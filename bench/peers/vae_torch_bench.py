#!/usr/bin/env python3
"""PyTorch peer of bench/cases/vae.ts: images per second of VAE training epochs.

The model, data split and binarisation are those of bench/reference/vae_torch.py (imported):
784-400-20-400-784, ReLU, Glorot-uniform weights, batch 128, Adam lr 1e-3, one z draw per
image, closed-form KL. Threads are fixed by the caller (torch.set_num_threads and the
OpenBLAS/OpenMP environment variables), so one thread can be compared with one thread.

    OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 /usr/bin/python3 bench/peers/vae_torch_bench.py \
        '{"split": "build/mnist-split.json", "threads": 1, "epochs": 3, "limitTrain": 0}'

Prints one JSON line: per-epoch seconds, images/s, train ELBO, peak RSS, torch config.
"""
import json
import os
import re
import resource
import sys
import time

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "reference"))
from vae_torch import VAE, load_split  # noqa: E402


def rss_mb():
    """Current resident set size (MB), from /proc/self/statm."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2 ** 20


def blas_libraries():
    libs = set()
    with open("/proc/self/maps") as f:
        for line in f:
            p = line.split()[-1]
            if any(s in p for s in ("blas", "lapack", "mkl", "gomp")):
                libs.add(p)
    return sorted(libs)


def torch_config():
    """BLAS_INFO (Debian builds against the generic BLAS interface) and the CPU kernels in use."""
    cfg = torch.__config__.show()
    blas = re.search(r"BLAS_INFO=(\w+)", cfg)
    cpu = re.search(r"CPU capability usage: (\w+)", cfg)
    return dict(blasInfo=blas.group(1) if blas else None, cpuCapability=cpu.group(1) if cpu else None)


def main():
    a = dict(split=None, threads=1, epochs=3, limitTrain=0, seed=1, warmupSteps=3)
    if len(sys.argv) > 1:
        a.update(json.loads(sys.argv[1]))
    torch.set_num_threads(int(a["threads"]))
    train, _test = load_split(a["split"])
    if a["limitTrain"]:
        train = train[: a["limitTrain"]]
    torch.manual_seed(a["seed"])
    model = VAE()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)

    def step(x):
        rec, kl = model.terms(x)
        loss = (kl - rec).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        return rec.sum().item() - kl.sum().item()

    # Warm-up on a throwaway copy, so the measured model starts from the same weights.
    warm = VAE()
    warm_opt = torch.optim.Adam(warm.parameters(), lr=1e-3)
    for i in range(a["warmupSteps"]):
        rec, kl = warm.terms(train[i * 128 % len(train):][:128])
        warm_opt.zero_grad()
        (kl - rec).mean().backward()
        warm_opt.step()

    epochs = []
    for epoch in range(1, a["epochs"] + 1):
        perm = torch.randperm(len(train))
        t0 = time.perf_counter()
        elbo_sum = 0.0
        for i in range(0, len(train), 128):
            elbo_sum += step(train[perm[i:i + 128]])
        seconds = time.perf_counter() - t0
        epochs.append(dict(epoch=epoch, seconds=seconds, imagesPerSecond=len(train) / seconds,
                           msPerStep=1000 * seconds / ((len(train) + 127) // 128),
                           trainElbo=elbo_sum / len(train), rssMb=rss_mb()))
    print(json.dumps(dict(
        torch=torch.__version__, threads=torch.get_num_threads(), images=len(train), epochs=epochs,
        blas=blas_libraries(), torchConfig=torch_config(),
        maxRssMb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)))


if __name__ == "__main__":
    main()
