#!/usr/bin/env python3
"""Independent check of the records of notebooks/02-video-walkthrough.ipynb.

Reads build/records.json (or the path given as the first argument), takes the recorded
normal-normal model and every recorded q = N(mean, sd²), recomputes

    log p(x), ELBO, KL(q ‖ p(z|x)), E_q[log p(x|z)], KL(q ‖ p(z))

with NumPy closed forms written here from the textbook (not from the library's formulas) and,
for log p(x), E_q[log p(x|z)] and KL(q ‖ p(z|x)), again with scipy.integrate.quad, and compares
them with the recorded numbers. Exits 1 naming the first mismatch, 0 with a one-line summary.

Tolerance: |recorded − expected| ≤ REL·|expected| + ABS with REL = 1e-9 and ABS = 1e-12 (the
absolute floor is for KL = 0 at the posterior, where a relative tolerance means nothing).
quad is run to 1e-12 relative; its agreement with the closed forms is checked at the same tolerance.

Run: .venv/bin/python test/reference/check_walkthrough_records.py [build/records.json]
(the python3 first on PATH may lack NumPy/SciPy).
"""
import json
import math
import os
import sys

import numpy as np
from scipy import integrate

NOTEBOOK = "02-video-walkthrough.ipynb"
REL = 1e-9
ABS = 1e-12
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def fail(msg):
    print(f"check_walkthrough_records: MISMATCH {msg}")
    sys.exit(1)


def close(a, b):
    return abs(a - b) <= REL * abs(b) + ABS


def log_evidence_mvn(x, mu0, tau0, sigma):
    """log N(x | mu0·1, sigma²·I + tau0²·11ᵀ): the data are jointly Gaussian once z is integrated out."""
    n = len(x)
    cov = sigma**2 * np.eye(n) + tau0**2 * np.ones((n, n))
    r = x - mu0
    sign, logdet = np.linalg.slogdet(cov)
    assert sign > 0
    return -0.5 * (n * math.log(2 * math.pi) + logdet + r @ np.linalg.solve(cov, r))


def posterior(x, mu0, tau0, sigma):
    """Precision-weighted conjugate update."""
    prec = 1 / tau0**2 + len(x) / sigma**2
    return (mu0 / tau0**2 + x.sum() / sigma**2) / prec, math.sqrt(1 / prec)


def log_lik(z, x, sigma):
    return float(np.sum(-0.5 * math.log(2 * math.pi * sigma**2) - (x - z) ** 2 / (2 * sigma**2)))


def log_normal(z, m, s):
    return -0.5 * math.log(2 * math.pi * s**2) - (z - m) ** 2 / (2 * s**2)


def expected_log_lik(m, s, x, sigma):
    """Σᵢ E_q[log N(xᵢ | z, σ²)] = Σᵢ −½log 2πσ² − ((xᵢ − m)² + s²)/(2σ²)."""
    return float(np.sum(-0.5 * math.log(2 * math.pi * sigma**2) - ((x - m) ** 2 + s**2) / (2 * sigma**2)))


def kl_normal(m1, s1, m2, s2):
    """KL(N(m1, s1²) ‖ N(m2, s2²)), textbook form."""
    return math.log(s2 / s1) + (s1**2 + (m1 - m2) ** 2) / (2 * s2**2) - 0.5


def quad(f, m, s):
    val, _ = integrate.quad(f, m - 40 * s, m + 40 * s, points=[m - s, m, m + s], epsabs=1e-14, epsrel=1e-12, limit=500)
    return val


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build", "records.json")
    try:
        with open(path) as fh:
            records = json.load(fh)
    except OSError as e:
        fail(f"cannot read {path}: {e}")
    if NOTEBOOK not in records:
        fail(f"{path} has no entry for {NOTEBOOK} (run the notebook first)")
    rec = records[NOTEBOOK]
    for key in ["model", "qSweep", "logEvidence", "elbo", "klToPosterior", "expectedLogLik", "klToPrior"]:
        if key not in rec:
            fail(f"record {key!r} missing from {NOTEBOOK}")
    model = rec["model"]
    if model.get("kind") != "normal-normal":
        fail(f"model.kind is {model.get('kind')!r}, expected 'normal-normal'")
    x = np.asarray(model["data"], dtype=float)
    mu0, tau0, sigma = float(model["priorMean"]), float(model["priorSd"]), float(model["noiseSd"])
    qs = rec["qSweep"]
    n_q = len(qs)
    if n_q == 0:
        fail("qSweep is empty")
    for key in ["elbo", "klToPosterior", "expectedLogLik", "klToPrior"]:
        if len(rec[key]) != n_q:
            fail(f"{key} has {len(rec[key])} values, qSweep has {n_q}")

    # log p(x): closed form (joint Gaussian of the data) and quadrature over z.
    logpx = log_evidence_mvn(x, mu0, tau0, sigma)
    mn, sn = posterior(x, mu0, tau0, sigma)
    # Integrate p(x, z)·exp(−logpx) so the integrand is O(1); the result must be 1.
    mass = quad(lambda z: math.exp(log_lik(z, x, sigma) + log_normal(z, mu0, tau0) - logpx), mn, sn)
    if not close(mass, 1.0):
        fail(f"self-check: ∫ p(x, z) dz / p(x) by quad = {mass!r}, expected 1 (closed-form log p(x) = {logpx!r})")
    if not close(rec["logEvidence"], logpx):
        fail(f"logEvidence: recorded {rec['logEvidence']!r}, expected {logpx!r}, |Δ| = {abs(rec['logEvidence'] - logpx):.3e}")

    worst = 0.0
    n_compared = 1
    for i, q in enumerate(qs):
        m, s = float(q["mean"]), float(q["sd"])
        ell = expected_log_lik(m, s, x, sigma)
        klp = kl_normal(m, s, mu0, tau0)
        klpost = kl_normal(m, s, mn, sn)
        elbo = ell - klp
        # Two independent routes must agree before the records are judged.
        if not close(elbo + klpost, logpx):
            fail(f"self-check at q[{i}] (mean={m!r}, sd={s!r}): ELBO + KL = {elbo + klpost!r} ≠ log p(x) = {logpx!r}")
        ell_quad = quad(lambda z: math.exp(log_normal(z, m, s)) * log_lik(z, x, sigma), m, s)
        klpost_quad = quad(lambda z: math.exp(log_normal(z, m, s)) * (log_normal(z, m, s) - log_normal(z, mn, sn)), m, s)
        for name, a, b in [("E_q[log p(x|z)] quad vs closed form", ell_quad, ell), ("KL(q ‖ p(z|x)) quad vs closed form", klpost_quad, klpost)]:
            if not close(a, b):
                fail(f"self-check at q[{i}] (mean={m!r}, sd={s!r}): {name}: {a!r} vs {b!r}")
        for key, expected in [("elbo", elbo), ("klToPosterior", klpost), ("expectedLogLik", ell), ("klToPrior", klp)]:
            got = float(rec[key][i])
            if not close(got, expected):
                fail(
                    f"{key}[{i}] (q mean={m!r}, sd={s!r}): recorded {got!r}, expected {expected!r}, "
                    f"|Δ| = {abs(got - expected):.3e} > {REL:g}·|expected| + {ABS:g}"
                )
            worst = max(worst, abs(got - expected) / (abs(expected) + ABS / REL))
            n_compared += 1

    print(
        f"check_walkthrough_records: OK — log p(x) and {n_q} q × 4 quantities ({n_compared} numbers) match NumPy closed forms "
        f"and scipy quad within rel {REL:g} (+ abs {ABS:g}); worst scaled difference {worst:.2e}"
    )


if __name__ == "__main__":
    main()
