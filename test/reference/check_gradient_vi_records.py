#!/usr/bin/env python3
"""Independent check of the records of notebooks/09-gradient-vi.ipynb.

Reads build/records.json (or the path given as the first argument) and recomputes, with NumPy/SciPy written
here from the definitions (not from the library's formulas, nor from the closed forms the notebook derives):

- the normal-normal model: log p(x) as the log density of the jointly Gaussian data, the posterior by the
  conjugate update;
- each gradient estimator, written per draw from its definition for q = N(m, s²), λ = ln s, z = m + sε:
    reparam  ∂_z log p(x, z) · (1, sε) + (0, 1)                (the entropy λ + ½ log 2πe differentiated)
    STL      ∂_z [log p(x, z) − log q(z)] · (1, sε)             (log q's own parameters held fixed)
    score    (log p(x, z) − log q(z)) · ∇_(m,λ) log q(z)
  with log p(x, z) from scipy.stats.norm.logpdf and its derivative by hand; its mean, variance and fourth
  central moment under ε ~ N(0, 1) by Gauss–Hermite quadrature (numpy's hermegauss, 80 nodes: exact for these
  polynomials in ε). The three means must agree (they are the one exact gradient) and equal a central finite
  difference of the ELBO computed by scipy quad;
- against those: the recorded exact gradients (1e-9), every recorded estimator mean within K of its recorded
  standard errors, every recorded variance within K of its standard errors (tfjs) or within 5 standard errors
  of a sample variance from n draws, √((μ₄ − σ⁴)/n) (float64 library), the sticking-the-landing ratios within
  K paired standard errors, STL's variance at the posterior below the notebook's rounding bounds;
- the Adam fits: KL(q ‖ p(z|x)) by the textbook formula for two normals, the fitted q against the posterior
  within the recorded tolerances, the ELBO of the fit by scipy quad, the tfjs Monte Carlo ELBO within K
  standard errors of log w (its sd by Gauss–Hermite) plus the float32 tolerance;
- the squared-normal model: log p(x) by scipy quad split at the modes, the ELBO of each fit by Gauss–Hermite
  (log p(x, z) is a polynomial in z), the ELBO-optimal Gaussian by scipy.optimize (BFGS on (m, ln s) with a
  pathwise gradient), the fits within the recorded tolerance of it, and the gap of at least ln 2 − 0.01.

Exits 1 at the first mismatch with both values, 0 with a one-line summary.

Run: .venv/bin/python test/reference/check_gradient_vi_records.py [build/records.json]
"""
import math
import sys

import numpy as np
from numpy.polynomial.hermite_e import hermegauss
from scipy import integrate, optimize, stats

from records_io import notebook_records

NOTEBOOK = "09-gradient-vi.ipynb"
TOL = 1e-9
Z_LIB = 5.0
EPS_NODES, EPS_WEIGHTS = hermegauss(80)
EPS_WEIGHTS = EPS_WEIGHTS / math.sqrt(2 * math.pi)
checked = 0


def fail(msg):
    print(f"check_gradient_vi_records: MISMATCH {msg}")
    sys.exit(1)


def expect_close(name, got, want, tol):
    global checked
    checked += 1
    got, want, tol = float(got), float(want), float(tol)
    if not abs(got - want) <= tol:
        fail(f"{name}: recorded {got!r}, expected {want!r}, |Δ| = {abs(got - want):.3e} > {tol:.3e}")


def expect_at_most(name, got, bound):
    global checked
    checked += 1
    got, bound = float(got), float(bound)
    if not got <= bound:
        fail(f"{name}: recorded {got!r} > {bound!r}")


class Model:
    """z ~ N(μ0, τ0²), x_i | z ~ N(g(z), σ²) with g(z) = z (normal-normal) or z² (squared-normal)."""

    def __init__(self, spec):
        self.kind = spec["kind"]
        self.x = np.asarray(spec["data"], dtype=float)
        self.mu0, self.tau0, self.sigma = float(spec["priorMean"]), float(spec["priorSd"]), float(spec["noiseSd"])

    def g(self, z):
        return z if self.kind == "normal-normal" else z * z

    def dg(self, z):
        return np.ones_like(z) if self.kind == "normal-normal" else 2 * z

    def log_joint(self, z):
        z = np.asarray(z, dtype=float)
        lik = stats.norm.logpdf(self.x[:, None], self.g(z)[None, :], self.sigma).sum(axis=0)
        return stats.norm.logpdf(z, self.mu0, self.tau0) + lik

    def dlog_joint(self, z):
        z = np.asarray(z, dtype=float)
        return -(z - self.mu0) / self.tau0**2 + ((self.x[:, None] - self.g(z)[None, :]).sum(axis=0) / self.sigma**2) * self.dg(z)


def per_draw(model, est, m, s):
    """Per-draw estimates (∂m, ∂λ) at the Gauss–Hermite nodes ε."""
    e = EPS_NODES
    z = m + s * e
    if est == "reparam":
        d = model.dlog_joint(z)
        return d, d * s * e + 1
    if est == "stl":
        d = model.dlog_joint(z) + (z - m) / s**2
        return d, d * s * e
    if est == "score":
        f = model.log_joint(z) - stats.norm.logpdf(z, m, s)
        return f * (z - m) / s**2, f * ((z - m) ** 2 / s**2 - 1)
    raise ValueError(est)


def moments(v):
    """Mean, variance and fourth central moment of v(ε), ε ~ N(0, 1), by Gauss–Hermite."""
    mean = float(EPS_WEIGHTS @ v)
    c = v - mean
    return mean, float(EPS_WEIGHTS @ c**2), float(EPS_WEIGHTS @ c**4)


def exact_gradient(model, m, s):
    """The one exact gradient: the three estimators' means must agree, and equal finite differences of the ELBO."""
    means = {est: tuple(moments(v)[0] for v in per_draw(model, est, m, s)) for est in ("reparam", "stl", "score")}
    ref = means["reparam"]
    for est, g in means.items():
        for a, b in zip(g, ref):
            if abs(a - b) > 1e-8 * max(1, abs(b)):
                fail(f"self-check: E[{est}] = {g} ≠ E[reparam] = {ref} at q = N({m}, {s}²)")
    return ref


def elbo_quad(model, m, s):
    f = lambda z: math.exp(stats.norm.logpdf(z, m, s)) * (float(model.log_joint([z])[0]) - stats.norm.logpdf(z, m, s))
    val, _ = integrate.quad(f, m - 40 * s, m + 40 * s, points=[m], epsabs=1e-13, epsrel=1e-12, limit=500)
    return val


def main():
    rec = notebook_records(NOTEBOOK, fail)
    earlier = rec["earlierSections"]
    settings = earlier["settings"]
    K = float(settings["K"])
    model = Model(rec["model"])
    if model.kind != "normal-normal":
        fail(f"model.kind is {model.kind!r}")
    x, n = model.x, len(model.x)
    cov = model.sigma**2 * np.eye(n) + model.tau0**2 * np.ones((n, n))
    logpx = float(stats.multivariate_normal(np.full(n, model.mu0), cov).logpdf(x))
    prec = 1 / model.tau0**2 + n / model.sigma**2
    pm, ps = (model.mu0 / model.tau0**2 + x.sum() / model.sigma**2) / prec, math.sqrt(1 / prec)
    expect_close("logEvidence", rec["logEvidence"], logpx, TOL * abs(logpx))

    # Self-check of the exact gradient: central differences of the ELBO by quad at q = N(0, 1).
    h = 1e-4
    g0 = exact_gradient(model, 0.0, 1.0)
    fd = ((elbo_quad(model, h, 1.0) - elbo_quad(model, -h, 1.0)) / (2 * h),
          (elbo_quad(model, 0.0, math.exp(h)) - elbo_quad(model, 0.0, math.exp(-h))) / (2 * h))
    for a, b in zip(g0, fd):
        if abs(a - b) > 1e-6 * max(1, abs(a)):
            fail(f"self-check: Gauss–Hermite gradient {g0} ≠ finite differences of the quad ELBO {fd}")

    # 1. Three estimators at q0: the exact gradient, and every recorded mean within K standard errors.
    a0 = earlier["gradientsAtQ0"]
    m0, s0 = float(a0["q"]["mean"]), math.exp(float(a0["q"]["logSd"]))
    g0 = exact_gradient(model, m0, s0)
    expect_close("gradientsAtQ0.exact.mean", a0["exact"]["mean"], g0[0], TOL * max(1, abs(g0[0])))
    expect_close("gradientsAtQ0.exact.logSd", a0["exact"]["logSd"], g0[1], TOL * max(1, abs(g0[1])))
    for c in a0["cells"]:
        tag = f"gradientsAtQ0[{c['estimator']}, S={c['S']}]"
        expect_close(f"{tag}.mean", c["mean"], g0[0], K * c["seMean"])
        expect_close(f"{tag}.logSd", c["logSd"], g0[1], K * c["seLogSd"])

    # 2. Per-draw variances at q0: the float64 library's (n draws) and tfjs's pooled over S, against Gauss–Hermite.
    n_lib = int(settings["libraryDraws"])
    for est in ("reparam", "score"):
        for key, v in zip(("mean", "logSd"), per_draw(model, est, m0, s0)):
            _, var, mu4 = moments(v)
            expect_close(f"perDrawVarianceLibrary.{est}.{key}", rec["perDrawVarianceLibrary"][est][key], var, Z_LIB * math.sqrt((mu4 - var**2) / n_lib))
            row = next(r for r in earlier["pooledPerDraw"] if r["estimator"] == est and r["gradient"] == ("∂m" if key == "mean" else "∂λ"))
            expect_close(f"pooledPerDraw[{est}, {row['gradient']}]", row["pooled S·Var_S"], var, K * row["stderr"] + 0.01 * var)

    # 3. At the posterior (S draws per estimate): reparam's variances 1/(S τn²) and 2/S; the baseline's ~0.
    ap = earlier["atPosterior"]
    S0 = int(ap["S"])
    rv = [moments(v)[1] / S0 for v in per_draw(model, "reparam", pm, ps)]
    expect_close("atPosterior.reparam.dMean.variance", ap["reparam"]["dMean"]["variance"], rv[0], K * ap["reparam"]["dMean"]["varStderr"])
    expect_close("atPosterior.reparam.dLogSd.variance", ap["reparam"]["dLogSd"]["variance"], rv[1], K * ap["reparam"]["dLogSd"]["varStderr"])
    for key in ("dMean", "dLogSd"):
        expect_at_most(f"atPosterior.scoreBaseline.{key}.variance", ap["scoreBaseline"][key]["variance"], 1e-6)

    # 4. Sticking the landing along q_t = N(μn + tτn, (τn e^t)²).
    stl = rec["stickingTheLanding"]
    for p in stl["path"]:
        t = float(p["t"])
        m, s = pm + t * ps, ps * math.exp(t)
        tag = f"stickingTheLanding[t={t}]"
        expect_close(f"{tag}.mean", p["mean"], m, 1e-12 * max(1, abs(m)))
        expect_close(f"{tag}.logSd", p["logSd"], math.log(s), 1e-12)
        g = exact_gradient(model, m, s)
        expect_close(f"{tag}.exact.mean", p["exact"]["mean"], g[0], TOL * max(1, abs(g[0])))
        expect_close(f"{tag}.exact.logSd", p["exact"]["logSd"], g[1], TOL * max(1, abs(g[1])))
        total = {est: sum(moments(v)[1] for v in per_draw(model, est, m, s)) for est in ("score", "reparam", "stl")}
        for est, e in p["estimators"].items():
            if t > 0 or est != "stl":
                expect_close(f"{tag}.{est}.meanDm", e["meanDm"], g[0], K * e["seDm"])
                expect_close(f"{tag}.{est}.meanDl", e["meanDl"], g[1], K * e["seDl"])
                expect_close(f"{tag}.{est}.variance", e["variance"], total[est], K * e["varStderr"])
        if t > 0:
            expect_close(f"{tag}.ratio", p["ratio"], total["stl"] / total["reparam"], K * p["ratioStderr"])
            if t <= 0.02:
                expect_at_most(f"{tag}.ratio (below 1% for t ≤ 0.02)", p["ratio"], 0.01)
        else:
            if total["stl"] > 1e-20:
                fail(f"self-check: STL's variance at the posterior is {total['stl']}, not 0")
            expect_at_most(f"{tag}.stl.variance (float32 rounding only)", p["estimators"]["stl"]["variance"], 1e-9)
    f64 = stl["float64AtPosterior"]
    n64 = int(f64["n"])
    expect_at_most("stickingTheLanding.float64AtPosterior.stl", f64["stl"]["mean"] + f64["stl"]["logSd"], (1e-14 / ps) ** 2)
    for key, v in zip(("mean", "logSd"), per_draw(model, "reparam", pm, ps)):
        _, var, mu4 = moments(v)
        expect_close(f"stickingTheLanding.float64AtPosterior.reparam.{key}", f64["reparam"][key], var, Z_LIB * math.sqrt((mu4 - var**2) / n64))
    expect_close("stickingTheLanding.fit.mean", stl["fit"]["mean"], pm, 1e-4 * ps)
    expect_close("stickingTheLanding.fit.sd", stl["fit"]["sd"], ps, 1e-4 * ps)

    # 5. Adam on the normal-normal model: KL to the posterior, the fits against it, the ELBO at the reparam fit.
    tol = rec["fitTolerances"]
    kl = lambda m, s: math.log(ps / s) + (s**2 + (m - pm) ** 2) / (2 * ps**2) - 0.5
    for r in rec["fits"]:
        tag = f"fits[{r['estimator']}]"
        m, s = float(r["m"]), float(r["s"])
        expect_close(f"{tag}.KL", r["KL(q ‖ p(z|x))"], kl(m, s), 1e-9 * kl(m, s) + 1e-15)
        expect_close(f"{tag}.(m − μn)/τn", r["(m − μn)/τn"], (m - pm) / ps, 1e-12)
        expect_close(f"{tag}.s/τn − 1", r["s/τn − 1"], s / ps - 1, 1e-12)
        if r["estimator"] == "reparam":
            expect_close(f"{tag}.m", m, pm, tol["fitTol"] * ps)
            expect_close(f"{tag}.s", s, ps, tol["fitTol"] * ps)
            expect_at_most(f"{tag}.KL", kl(m, s), tol["klTol"])
            ea = rec["elboAtFit"]
            elbo = elbo_quad(model, m, s)
            expect_close("elboAtFit.exact", ea["exact"], elbo, 1e-9 * abs(elbo))
            expect_close("elboAtFit.logEvidence", ea["logEvidence"], logpx, TOL * abs(logpx))
            lw = model.log_joint(m + s * EPS_NODES) - stats.norm.logpdf(m + s * EPS_NODES, m, s)
            sd_lw = math.sqrt(moments(lw)[1])
            expect_close("elboAtFit.tfjs", ea["tfjs"], elbo, K * sd_lw / math.sqrt(tol["mcElboDraws"]) + float(settings["F32"]))
        if r["estimator"] == "score-baseline":
            expect_close(f"{tag}.m", m, pm, 1e-4 * ps)
            expect_close(f"{tag}.s", s, ps, 1e-4 * ps)

    # 6. Squared-normal: log p(x), the ELBO-optimal Gaussian in each mode, the fits and their gaps.
    sq = Model(rec["squaredNormalModel"])
    if sq.kind != "squared-normal":
        fail(f"squaredNormalModel.kind is {sq.kind!r}")
    xbar = float(sq.x.mean())
    modes = [-math.sqrt(max(xbar, 0)), 0.0, math.sqrt(max(xbar, 0))]
    shift = float(sq.log_joint([modes[-1]])[0])
    ev, _ = integrate.quad(lambda z: math.exp(float(sq.log_joint([z])[0]) - shift), -12, 12, points=modes, epsabs=0, epsrel=1e-12, limit=1000)
    sq_logpx = shift + math.log(ev)
    sqr = rec["squaredNormal"]
    expect_close("squaredNormal.logEvidence", sqr["logEvidence"], sq_logpx, 1e-8 * abs(sq_logpx))

    def sq_elbo(m, s):
        z = m + s * EPS_NODES
        return float(EPS_WEIGHTS @ sq.log_joint(z)) + math.log(s) + 0.5 * math.log(2 * math.pi * math.e)

    def neg_elbo_and_grad(p):
        m, lam = p
        s = math.exp(lam)
        d = sq.dlog_joint(m + s * EPS_NODES)
        return -sq_elbo(m, s), -np.array([EPS_WEIGHTS @ d, EPS_WEIGHTS @ (d * s * EPS_NODES) + 1])

    for r in sqr["fits"]:
        side = 1 if float(r["optimum m*"]) > 0 else -1
        tag = f"squaredNormal[{r['start']}]"
        opt = optimize.minimize(neg_elbo_and_grad, [0.5 * side, -1.0], jac=True, method="BFGS", options={"gtol": 1e-12, "maxiter": 10_000})
        m_star, s_star = float(opt.x[0]), math.exp(float(opt.x[1]))
        if not np.linalg.norm(opt.jac) < 1e-8:
            fail(f"self-check: BFGS stopped with gradient {opt.jac} ({opt.message})")
        expect_close(f"{tag}.optimum m*", r["optimum m*"], m_star, 1e-6 * s_star)
        expect_close(f"{tag}.optimum s*", r["optimum s*"], s_star, 1e-6 * s_star)
        expect_close(f"{tag}.gap (optimum)", r["gap (optimum)"], sq_logpx - sq_elbo(m_star, s_star), 1e-8)
        m, s = float(r["Adam m"]), float(r["Adam s"])
        expect_close(f"{tag}.ELBO (Adam)", r["ELBO (Adam)"], sq_elbo(m, s), 1e-9 * max(1, abs(sq_elbo(m, s))))
        expect_close(f"{tag}.gap (Adam)", r["gap (Adam)"], sq_logpx - sq_elbo(m, s), 1e-8)
        expect_close(f"{tag}.Adam m", m, m_star, tol["fitTol"] * s_star)
        expect_close(f"{tag}.Adam s", s, s_star, tol["fitTol"] * s_star)
        expect_at_most(f"{tag}.ln 2 − 0.01 ≤ gap (Adam)", math.log(2) - 0.01, sq_logpx - sq_elbo(m, s))
    gaps = [sq_logpx - sq_elbo(float(r["Adam m"]), float(r["Adam s"])) for r in sqr["fits"]]
    expect_close("squaredNormal: both modes leave the same gap", gaps[0], gaps[1], 1e-3)
    print(f"check_gradient_vi_records: OK — {checked} numbers of notebook 09 (log p(x), exact gradients, estimator means and "
          f"variances along the landing path, the fits, squared-normal optima and gaps) match NumPy/SciPy (deterministic within "
          f"{TOL:g}, Monte Carlo within {K:g} recorded s.e. or {Z_LIB:g} s.e. of a sample variance)")


if __name__ == "__main__":
    try:
        main()
    except KeyError as e:
        fail(f"the records of {NOTEBOOK} lack {e} (an older run of the notebook?)")
