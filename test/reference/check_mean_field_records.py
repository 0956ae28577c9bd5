#!/usr/bin/env python3
"""Independent check of the records of notebooks/14-mean-field-cavi.ipynb.

Reads build/records.json (or the path given as the first argument) and recomputes with NumPy/SciPy,
from the textbook formulas written here:

- the regression posterior (normal equations) and ln p(y) = ln N(y | 0, σ²I + α²FFᵀ) (scipy
  multivariate_normal on the n×n covariance);
- the mean-field optimum sds 1/√Λⱼⱼ and its KL(q ‖ p) by the general multivariate-Normal KL
  (trace, quadratic form, log-determinants), the moment-matching q's KL in both directions, and the
  Monte Carlo ELBO within 5 of its recorded standard errors;
- the CAVI iterates for the 2-D Normal, re-run here from the recorded start, KL after every sweep;
- CAVI for the Bayesian Gaussian mixture (Blei et al. 2017, §3), re-run in NumPy from the recorded data
  with the same start rule; the ELBO after every sweep and half-sweep, the final m and v, the ELBO
  never falling (1e-9 relative), and the Monte Carlo ELBO within 5 s.e.;
- for the 9-point data, ln p(x) by enumerating all 3⁹ assignments with scipy's multivariate Normal
  of each group (covariance s²I + σ₀²11ᵀ), and the CAVI ELBO below it.

Run: .venv/bin/python test/reference/check_mean_field_records.py [build/records.json]
"""
import itertools
import math
import sys

import numpy as np
from scipy import stats
from scipy.special import logsumexp

from records_io import notebook_records

NOTEBOOK = "14-mean-field-cavi.ipynb"
TOL = 1e-9
Z_MC = 5.0


def fail(msg):
    print(f"check_mean_field_records: MISMATCH {msg}")
    sys.exit(1)


def close(name, got, want, tol):
    got = np.asarray(got, dtype=float)
    want = np.asarray(want, dtype=float)
    if got.shape != want.shape:
        fail(f"{name}: shape {got.shape} vs {want.shape}")
    d = np.max(np.abs(got - want)) if got.size else 0.0
    if not d <= tol:
        fail(f"{name}: recorded {got.tolist() if got.size < 8 else '…'}, expected {want.tolist() if want.size < 8 else '…'}, max |Δ| = {d:.3e} > {tol:.3e}")


def kl_mvn(m0, S0, m1, S1):
    """KL(N(m0, S0) ‖ N(m1, S1))."""
    k = len(m0)
    S1inv = np.linalg.inv(S1)
    d = m1 - m0
    return 0.5 * (np.trace(S1inv @ S0) + d @ S1inv @ d - k + np.linalg.slogdet(S1)[1] - np.linalg.slogdet(S0)[1])


def gmm_elbo(x, m, v, phi, s0, s):
    K = len(m)
    e = 0.0
    for k in range(K):
        e += -0.5 * math.log(2 * math.pi * s0**2) - (m[k] ** 2 + v[k]) / (2 * s0**2) + 0.5 * math.log(2 * math.pi * math.e * v[k])
    ll = -math.log(K) - 0.5 * math.log(2 * math.pi * s**2) - ((x[:, None] - m[None, :]) ** 2 + v[None, :]) / (2 * s**2)
    with np.errstate(divide="ignore", invalid="ignore"):
        ent = np.where(phi > 0, phi * np.log(phi), 0.0)
    return e + float(np.sum(phi * ll) - np.sum(ent))


def cavi_gmm(x, K, s0, s, max_sweeps, tol):
    xs = np.sort(x)
    n = len(x)
    m = np.array([xs[min(n - 1, int(math.floor((k + 0.5) * n / K)))] for k in range(K)])
    v = np.ones(K)
    phi = np.full((n, K), 1.0 / K)
    elbo = [gmm_elbo(x, m, v, phi, s0, s)]
    half = []
    for _ in range(max_sweeps):
        a = (np.outer(x, m) - 0.5 * (m**2 + v)[None, :]) / s**2
        phi = np.exp(a - logsumexp(a, axis=1, keepdims=True))
        half.append(gmm_elbo(x, m, v, phi, s0, s))
        nk = phi.sum(axis=0)
        v = 1 / (1 / s0**2 + nk / s**2)
        m = v * (phi * x[:, None]).sum(axis=0) / s**2
        e = gmm_elbo(x, m, v, phi, s0, s)
        elbo.append(e)
        if e - elbo[-2] < tol * (1 + abs(e)):
            break
    return m, v, phi, elbo, half


def main():
    rec = notebook_records(NOTEBOOK, fail)

    # Regression posterior and evidence.
    reg = rec["regression"]
    F = np.asarray(reg["features"], dtype=float)
    y = np.asarray(reg["y"], dtype=float)
    s2, a2 = reg["noiseSd"] ** 2, reg["priorSd"] ** 2
    Lam = np.eye(2) / a2 + F.T @ F / s2
    Sig = np.linalg.inv(Lam)
    mu = Sig @ F.T @ y / s2
    logpy = stats.multivariate_normal(np.zeros(len(y)), s2 * np.eye(len(y)) + a2 * F @ F.T).logpdf(y)
    close("logEvidence", rec["logEvidence"], logpy, TOL)
    close("posterior.mean", rec["posterior"]["mean"], mu, TOL)
    close("posterior.cov", rec["posterior"]["cov"], Sig, TOL)

    # Mean-field optimum and moment matching.
    mf = rec["meanField"]
    sd_mf = 1 / np.sqrt(np.diag(Lam))
    close("meanField.sd", mf["sd"], sd_mf, TOL)
    close("meanField.mean", mf["mean"], mu, TOL)
    kl_mf = kl_mvn(mu, np.diag(sd_mf**2), mu, Sig)
    close("meanField.kl", mf["kl"], kl_mf, TOL)
    close("meanField.elboMc", mf["elboMc"]["estimate"], logpy - kl_mf, Z_MC * mf["elboMc"]["stderr"])
    mm = rec["momentMatching"]
    close("momentMatching.kl", mm["kl"], kl_mvn(mu, np.diag(np.diag(Sig)), mu, Sig), TOL)
    close("momentMatching.klForward", mm["klForward"], kl_mvn(mu, Sig, mu, np.diag(np.diag(Sig))), TOL)

    # CAVI on the 2-D Normal.
    cv = rec["cavi"]
    m = np.array(cv["start"]["mean"], dtype=float)
    sd = np.array(cv["start"]["sd"], dtype=float)
    kls = [kl_mvn(m, np.diag(sd**2), mu, Sig)]
    for _ in range(len(cv["kl"]) - 1):
        m[0] = mu[0] - Lam[0, 1] / Lam[0, 0] * (m[1] - mu[1])
        m[1] = mu[1] - Lam[0, 1] / Lam[1, 1] * (m[0] - mu[0])
        sd = sd_mf.copy()
        kls.append(kl_mvn(m, np.diag(sd**2), mu, Sig))
    close("cavi.kl", cv["kl"], kls, 1e-9 * max(1.0, max(kls)))
    close("cavi.final.mean", cv["final"]["mean"], m, TOL)

    # CAVI on the Bayesian mixture.
    g = rec["gmm"]
    x = np.asarray(g["x"], dtype=float)
    mg, vg, _, elbo, half = cavi_gmm(x, 3, g["priorSd"], g["componentSd"], 500, 1e-12)
    scale = abs(elbo[0])
    close("gmm.elbo", g["elbo"], elbo, 1e-9 * scale)
    close("gmm.elboAfterPhi", g["elboAfterPhi"], half, 1e-9 * scale)
    close("gmm.m", g["m"], mg, 1e-7)
    close("gmm.v", g["v"], vg, 1e-9)
    seq = [elbo[0]] + [e for pair in zip(half, elbo[1:]) for e in pair]
    if any(b < a - 1e-9 * scale for a, b in zip(seq, seq[1:])):
        fail("gmm: the NumPy CAVI's ELBO falls at some half-sweep")
    close("gmm.mcElbo", g["mcElbo"]["estimate"], elbo[-1], Z_MC * g["mcElbo"]["stderr"])

    # Exact evidence on nine points.
    sm = rec["gmmSmall"]
    xs = np.asarray(sm["x"], dtype=float)
    s0, s = sm["priorSd"], sm["componentSd"]
    K = 3
    cache = {}

    def group_logp(idx):
        if not idx:
            return 0.0
        if idx not in cache:
            k = len(idx)
            cache[idx] = stats.multivariate_normal(np.zeros(k), s**2 * np.eye(k) + s0**2 * np.ones((k, k))).logpdf(xs[list(idx)])
        return cache[idx]

    terms = []
    for c in itertools.product(range(K), repeat=len(xs)):
        t = -len(xs) * math.log(K)
        for k in range(K):
            t += group_logp(tuple(i for i in range(len(xs)) if c[i] == k))
        terms.append(t)
    logp_small = logsumexp(terms)
    close("gmmSmall.logEvidence", sm["logEvidence"], logp_small, TOL)
    _, _, _, elbo_s, _ = cavi_gmm(xs, K, s0, s, 2000, 1e-14)
    close("gmmSmall.elbo", sm["elbo"], elbo_s[-1], 1e-8)
    if not sm["elbo"] <= logp_small:
        fail(f"gmmSmall: ELBO {sm['elbo']} > ln p(x) {logp_small}")
    print(f"check_mean_field_records: OK — regression posterior and evidence, mean-field and moment-matching KLs, "
          f"{len(cv['kl'])} CAVI iterates, {len(elbo)} mixture ELBOs and the 3^{len(xs)}-term evidence match NumPy/SciPy")


if __name__ == "__main__":
    main()
