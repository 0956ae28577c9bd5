#!/usr/bin/env python3
"""Independent check of the records of notebooks/13-three-roads-meet.ipynb.

Reads build/records.json (or the path given as the first argument) and recomputes, with NumPy/SciPy
written here from the textbook (not from the library's formulas):

- log p(x) of the recorded normal-normal model (the data are jointly Gaussian once z is integrated out)
  and the ELBO of the recorded q = N(m, s²);
- the three slacks: KL(q ‖ p(z|x)) by the textbook closed form, and again by scipy quad of
  q·(u − 1 − ln u) and of log E_q[w] − E_q[log w]; the recorded quadrature slack must match to 1e-9
  and the recorded Monte Carlo slack within 5 of its recorded standard errors;
- the weights' statistics: mean log w against the ELBO and log mean w against log p(x), each within 5
  recorded standard errors; P(w > p(x)) exactly as the q-probability of the interval between the two
  crossings of q and the posterior (scipy.stats.norm.cdf), against the recorded exact value (1e-8) and
  the recorded sample fraction (5 binomial standard errors);
- for every recorded r: E_r[b_q] = E_r[log p(x,z) − log q(z) + 1 − p(z|x)/q(z)] by scipy quad, against
  the recorded closed form and quadrature values (1e-8) and the Monte Carlo value (5 recorded s.e.);
  E_r[log w] likewise; and E_r[b_q] ≤ log p(x).

Run: .venv/bin/python test/reference/check_three_roads_records.py [build/records.json]
"""
import math
import sys

import numpy as np
from scipy import integrate, stats

from records_io import notebook_records

NOTEBOOK = "13-three-roads-meet.ipynb"
TOL = 1e-8
Z_MC = 5.0


def fail(msg):
    print(f"check_three_roads_records: MISMATCH {msg}")
    sys.exit(1)


def expect_close(name, got, want, tol):
    if not abs(got - want) <= tol:
        fail(f"{name}: recorded {got!r}, expected {want!r}, |Δ| = {abs(got - want):.3e} > {tol:.3e}")


def log_normal(z, m, s):
    return -0.5 * math.log(2 * math.pi * s * s) - (z - m) ** 2 / (2 * s * s)


def quad(f, centres):
    lo = min(c - 40 * s for c, s in centres)
    hi = max(c + 40 * s for c, s in centres)
    pts = sorted(c for c, _ in centres)
    val, _ = integrate.quad(f, lo, hi, points=pts, epsabs=1e-13, epsrel=1e-12, limit=1000)
    return val


def main():
    rec = notebook_records(NOTEBOOK, fail)
    model = rec["model"]
    if model.get("kind") != "normal-normal":
        fail(f"model.kind is {model.get('kind')!r}")
    x = np.asarray(model["data"], dtype=float)
    mu0, tau0, sigma = float(model["priorMean"]), float(model["priorSd"]), float(model["noiseSd"])
    n = len(x)
    cov = sigma**2 * np.eye(n) + tau0**2 * np.ones((n, n))
    resid = x - mu0
    logpx = -0.5 * (n * math.log(2 * math.pi) + np.linalg.slogdet(cov)[1] + resid @ np.linalg.solve(cov, resid))
    prec = 1 / tau0**2 + n / sigma**2
    pm, ps = (mu0 / tau0**2 + x.sum() / sigma**2) / prec, math.sqrt(1 / prec)
    m, s = float(rec["q"]["mean"]), float(rec["q"]["sd"])

    def log_joint(z):
        return log_normal(z, mu0, tau0) + float(np.sum(-0.5 * math.log(2 * math.pi * sigma**2) - (x - z) ** 2 / (2 * sigma**2)))

    kl = math.log(ps / s) + (s**2 + (m - pm) ** 2) / (2 * ps**2) - 0.5
    elbo = logpx - kl
    expect_close("logEvidence", rec["logEvidence"], logpx, TOL)
    expect_close("elbo", rec["elbo"], elbo, TOL)
    cq = [(m, s), (pm, ps)]
    lw_at_m = log_joint(m) - log_normal(m, m, s)
    log_mean_w = lw_at_m + math.log(quad(lambda z: math.exp(log_joint(z) - lw_at_m), cq))
    mean_log_w = quad(lambda z: math.exp(log_normal(z, m, s)) * (log_joint(z) - log_normal(z, m, s)), cq)
    bayes_gap = quad(lambda z: math.exp(log_normal(z, m, s)) * ((lambda lu: math.expm1(lu) - lu)(log_normal(z, pm, ps) - log_normal(z, m, s))), cq)
    for name, v in [("Jensen gap by scipy quad", log_mean_w - mean_log_w), ("E_q[u−1−ln u] by scipy quad", bayes_gap)]:
        if abs(v - kl) > TOL:
            fail(f"self-check: {name} = {v!r} ≠ closed-form KL {kl!r}")
    expect_close("slackJensenQuadrature", rec["slackJensenQuadrature"], kl, TOL)
    expect_close("slackKlClosedForm", rec["slackKlClosedForm"], kl, TOL)
    mc = rec["slackBayesMonteCarlo"]
    expect_close("slackBayesMonteCarlo", mc["estimate"], kl, Z_MC * mc["stderr"])

    w = rec["weights"]
    expect_close("weights.meanLogWeight", w["meanLogWeight"], elbo, Z_MC * w["meanLogWeightStderr"])
    expect_close("weights.logMeanWeight", w["logMeanWeight"], logpx, Z_MC * w["logMeanWeightStderr"])
    expect_close("weights.gap", w["gap"], kl, Z_MC * w["gapStderr"])
    # w > p(x) ⟺ u > 1 ⟺ log p(z|x) − log q(z) > 0: between the roots of a quadratic (q wider than the posterior).
    a2 = 1 / (2 * s * s) - 1 / (2 * ps * ps)
    a1 = pm / ps**2 - m / s**2
    a0 = m * m / (2 * s * s) - pm * pm / (2 * ps * ps) + math.log(s / ps)
    roots = np.sort(np.roots([a2, a1, a0]).real)
    p_above = stats.norm.cdf(roots[1], m, s) - stats.norm.cdf(roots[0], m, s)
    fa = rec["fractionAbove"]
    expect_close("fractionAbove.exact", fa["exact"], p_above, TOL)
    expect_close("fractionAbove.sample", fa["sample"], p_above, Z_MC * math.sqrt(p_above * (1 - p_above) / fa["n"]))

    for r in rec["underR"]:
        rm, rsd = float(r["mean"]), float(r["sd"])
        cr = [(rm, rsd), (pm, ps), (m, s)]

        def bq(z):
            lu = log_normal(z, pm, ps) - log_normal(z, m, s)
            return log_joint(z) - log_normal(z, m, s) + 1 - math.exp(lu)

        want = quad(lambda z: math.exp(log_normal(z, rm, rsd)) * bq(z), cr)
        naive = quad(lambda z: math.exp(log_normal(z, rm, rsd)) * (log_joint(z) - log_normal(z, m, s)), cr)
        eu = quad(lambda z: math.exp(log_normal(z, rm, rsd) + log_normal(z, pm, ps) - log_normal(z, m, s)), cr)
        tag = f"underR[{r['name']}]"
        expect_close(f"{tag}.closed", r["closed"], want, TOL)
        expect_close(f"{tag}.quad", r["quad"], want, TOL)
        expect_close(f"{tag}.mc", r["mc"]["estimate"], want, Z_MC * r["mc"]["stderr"])
        expect_close(f"{tag}.naive", r["naive"], naive, TOL)
        expect_close(f"{tag}.expectedU", r["expectedU"], eu, TOL * max(1, eu))
        if not want <= logpx:
            fail(f"{tag}: E_r[b_q] = {want!r} > log p(x) = {logpx!r}")
    print(f"check_three_roads_records: OK — log p(x), ELBO, three slacks, weight statistics and {len(rec['underR'])} averaging "
          f"distributions match NumPy/SciPy (deterministic within {TOL:g}, Monte Carlo within {Z_MC:g} s.e.)")


if __name__ == "__main__":
    main()
