#!/usr/bin/env python3
"""Independent check of the records of notebooks/15-fitting-theta-by-the-elbo.ipynb.

Reads build/records.json (or the path given as the first argument) and recomputes both maximisers with
SciPy, from formulas written here:

- squared-normal model z ~ N(μ₀, τ₀²), xᵢ | z ~ N(z², θ²): ln p(x | θ) by scipy.integrate.quad, and the
  ELBO of q = N(m, s²) in closed form, E_q[ln p(x | z)] − KL(q ‖ prior) with
  E_q[(xᵢ − z²)²] = (xᵢ − E z²)² + Var z², E z² = m² + s², Var z² = 4m²s² + 2s⁴; max over q by
  scipy.optimize.minimize (Nelder–Mead) from several starts, max over ln θ by minimize_scalar (bounded);
- normal–normal model: ln p(x | θ) = ln N(x | μ₀1, θ²I + τ₀²11ᵀ), maximised over ln θ.

Compares θ_ML and θ_ELBO with the recorded ones (relative 1e-4: both sides locate a maximum only to
~√(ε/f″)), checks θ_ELBO > θ_ML on the squared-normal model by more than 20× that tolerance, and that
the two agree on the normal–normal model.

Run: .venv/bin/python test/reference/check_fit_theta_records.py [build/records.json]
"""
import math
import sys

import numpy as np
from scipy import integrate, optimize, stats

from records_io import notebook_records

NOTEBOOK = "15-fitting-theta-by-the-elbo.ipynb"
REL = 1e-4


def fail(msg):
    print(f"check_fit_theta_records: MISMATCH {msg}")
    sys.exit(1)


def sq_log_evidence(x, mu0, tau0, theta):
    def log_joint(z):
        return stats.norm.logpdf(z, mu0, tau0) + np.sum(stats.norm.logpdf(x, z * z, theta))
    zs = np.linspace(-4, 4, 2001)
    ref = max(log_joint(z) for z in zs)
    val, _ = integrate.quad(lambda z: math.exp(log_joint(z) - ref), -10, 10, points=[-1, 0, 1], epsabs=0, epsrel=1e-12, limit=500)
    return ref + math.log(val)


def sq_elbo(x, mu0, tau0, theta, m, s):
    ez2 = m * m + s * s
    vz2 = 4 * m * m * s * s + 2 * s**4
    ell = np.sum(-0.5 * math.log(2 * math.pi * theta**2) - ((x - ez2) ** 2 + vz2) / (2 * theta**2))
    kl = math.log(tau0 / s) + (s * s + (m - mu0) ** 2) / (2 * tau0**2) - 0.5
    return ell - kl


def sq_best_elbo(x, mu0, tau0, theta):
    best = -math.inf
    for m0 in (-1.0, 0.0, 1.0):
        r = optimize.minimize(lambda p: -sq_elbo(x, mu0, tau0, theta, p[0], math.exp(p[1])), [m0, math.log(0.3)],
                              method="Nelder-Mead", options={"xatol": 1e-10, "fatol": 1e-13, "maxiter": 20000, "maxfev": 40000})
        best = max(best, -r.fun)
    return best


def argmax_log_theta(f):
    r = optimize.minimize_scalar(lambda u: -f(math.exp(u)), bounds=(math.log(0.05), math.log(5)), method="bounded", options={"xatol": 1e-9})
    return math.exp(r.x)


def main():
    rec = notebook_records(NOTEBOOK, fail)

    sq = rec["squaredNormal"]
    x = np.asarray(sq["data"], dtype=float)
    mu0, tau0 = float(sq["priorMean"]), float(sq["priorSd"])
    t_ml = argmax_log_theta(lambda t: sq_log_evidence(x, mu0, tau0, t))
    t_vb = argmax_log_theta(lambda t: sq_best_elbo(x, mu0, tau0, t))
    for name, got, want in [("squaredNormal.thetaMl", sq["thetaMl"], t_ml), ("squaredNormal.thetaVb", sq["thetaVb"], t_vb)]:
        if abs(got / want - 1) > REL:
            fail(f"{name}: recorded {got!r}, SciPy {want!r}, relative difference {got / want - 1:.2e} > {REL:g}")
    if not t_vb / t_ml - 1 > 20 * REL:
        fail(f"squared-normal: SciPy finds θ_ELBO = {t_vb!r} not clearly above θ_ML = {t_ml!r}")
    if abs(sq["logLikAtMl"] - sq_log_evidence(x, mu0, tau0, sq["thetaMl"])) > 1e-8:
        fail("squaredNormal.logLikAtMl differs from scipy quad at the recorded θ")

    nn = rec["normalNormal"]
    xn = np.asarray(nn["data"], dtype=float)
    mu0n, tau0n = float(nn["priorMean"]), float(nn["priorSd"])
    n = len(xn)

    def nn_log_evidence(t):
        return stats.multivariate_normal(mu0n * np.ones(n), t * t * np.eye(n) + tau0n**2 * np.ones((n, n))).logpdf(xn)

    t_nn = argmax_log_theta(nn_log_evidence)
    for name, got in [("normalNormal.thetaMl", nn["thetaMl"]), ("normalNormal.thetaVb", nn["thetaVb"])]:
        if abs(got / t_nn - 1) > REL:
            fail(f"{name}: recorded {got!r}, SciPy maximum-likelihood θ {t_nn!r}")
    print(f"check_fit_theta_records: OK — squared-normal θ_ML = {t_ml:.6f}, θ_ELBO = {t_vb:.6f} (SciPy), normal–normal θ = {t_nn:.6f}; "
          f"recorded values agree within {REL:g} relative")


if __name__ == "__main__":
    main()
