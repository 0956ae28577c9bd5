#!/usr/bin/env python3
"""Independent reference values for ELBO Lab's numerical core.

Run with Debian's Python (it has NumPy, SciPy and mpmath):

    .venv/bin/python test/reference/make_reference.py

It writes test/reference/reference.json next to this file. Nothing here imports or copies output
of the TypeScript code: values come from scipy.stats / scipy.special / scipy.integrate.quad, from
mpmath at 50 digits, and from a from-scratch Python port of the *integer* generator
(xoshiro128** seeded by SplitMix32) whose bit stream the library promises to reproduce, and of
the 256-layer ziggurat built on it (the normal draws, to rounding of the tables' exp/log).
Closed forms below are written out independently in their textbook form (precision form for the
conjugate posterior, the multivariate-normal marginal for the evidence, ...).
"""
import json
import math
import os

import mpmath
import numpy as np
from scipy import integrate, special, stats

mpmath.mp.dps = 50
M32 = 0xFFFFFFFF
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "reference.json")


def f(x):
    """Plain float for JSON (mpf/np types -> float)."""
    return float(x)


# ---------------------------------------------------------------- generator (bit stream)
def imul(a, b):
    return (a * b) & M32


def rotl(x, k):
    return ((x << k) | (x >> (32 - k))) & M32


def seed_state(seed):
    lo = seed % 2**32
    hi = (seed // 2**32) % 2**32
    state = (lo ^ imul(hi, 0x85EBCA6B)) & M32
    words = []
    for _ in range(4):
        state = (state + 0x9E3779B9) & M32
        z = state
        z = imul(z ^ (z >> 16), 0x21F0AAAD)
        z = imul(z ^ (z >> 15), 0x735A2D97)
        words.append((z ^ (z >> 15)) & M32)
    if words == [0, 0, 0, 0]:
        words[0] = 1
    return words


def xoshiro_outputs(seed, count):
    stream = XoshiroStream(seed)
    return [stream.next() for _ in range(count)]


class XoshiroStream:
    """The 32-bit output stream of xoshiro128** after SplitMix32 seeding, one word at a time."""

    def __init__(self, seed):
        self.s = seed_state(seed)

    def next(self):
        s = self.s
        result = imul(rotl(imul(s[1], 5), 7), 9)
        t = (s[1] << 9) & M32
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = rotl(s[3], 11)
        return result

    def uniform53(self):
        """(first word >> 5)·2^26 + (second word >> 6), over 2^53."""
        a = self.next() >> 5
        b = self.next() >> 6
        return (a * 2**26 + b) / 2**53


def ziggurat_tables(layers=256, r=3.6541528853610088, v=0.00492867323399):
    """Marsaglia & Tsang's 256-layer tables for f(x) = exp(-x^2/2): equal-area layers V, edge R."""
    f = math.exp(-0.5 * r * r)
    x = [0.0] * (layers + 1)
    x[0] = v / f
    x[1] = r
    for i in range(2, layers):
        x[i] = math.sqrt(-2 * math.log(v / x[i - 1] + f))
        f = math.exp(-0.5 * x[i] * x[i])
    x[layers] = 0.0
    fx = [math.exp(-0.5 * xi * xi) for xi in x]
    fx[0] = 0.0
    return x, fx


def ziggurat_normals(seed, count):
    """The library's documented ziggurat, written from the algorithm (Marsaglia & Tsang 2000, with
    Doornik's independent layer bits): per attempt two words a, b; layer i = (a & 31) | (b & 7) << 5,
    sign = bit 3 of b, abscissa u = ((a >> 5)·2^26 + (b >> 6))/2^53 times X[i]; accept if below X[i+1];
    else layer 0 samples the tail beyond R (Marsaglia's exponential method with 53-bit uniforms in
    (0, 1)), other layers accept x when F[i] + U·(F[i+1] − F[i]) < exp(−x²/2), and a rejection
    starts a new attempt. Returns the draws and how many took each slow path."""
    X, F = ziggurat_tables()
    r = X[1]
    g = XoshiroStream(seed)

    def uniform_open():
        while True:
            u = g.uniform53()
            if u > 0:
                return u

    out, wedge, tail = [], 0, 0
    while len(out) < count:
        a, b = g.next(), g.next()
        i = (a & 31) | ((b & 7) << 5)
        sign = -1.0 if b & 8 else 1.0
        x = ((a >> 5) * 2**26 + (b >> 6)) / 2**53 * X[i]
        if x < X[i + 1]:
            out.append(sign * x)
            continue
        if i == 0:
            tail += 1
            while True:
                xt = -math.log(uniform_open()) / r
                yt = -math.log(uniform_open())
                if 2 * yt >= xt * xt:
                    out.append(sign * (r + xt))
                    break
            continue
        wedge += 1
        y = F[i] + g.uniform53() * (F[i + 1] - F[i])
        if y < math.exp(-0.5 * x * x):
            out.append(sign * x)
        # else: rejected, a fresh attempt
    return out, wedge, tail


def rng_section():
    seeds = [0, 1, 42, -7, 2**40 + 3]
    streams = [{"seed": sd, "uint32": xoshiro_outputs(sd, 12)} for sd in seeds]
    o = xoshiro_outputs(1, 10)
    uniforms = [((o[2 * i] >> 5) * 2**26 + (o[2 * i + 1] >> 6)) / 2**53 for i in range(5)]
    grid = [-3.0, -2.0, -1.5, -1.0, -0.5, 0.0, 0.5, 1.0, 1.5, 2.0, 3.0]
    normals = []
    for sd, count in ((1, 3000), (2, 4000)):
        xs, wedge, tail = ziggurat_normals(sd, count)
        normals.append({"seed": sd, "wedgeAttempts": wedge, "tailAttempts": tail, "normals": xs})
    # the references must reach both slow paths, or they would not test them
    assert sum(c["wedgeAttempts"] for c in normals) > 0 and sum(c["tailAttempts"] for c in normals) > 0, [(c["wedgeAttempts"], c["tailAttempts"]) for c in normals]
    return {
        "streams": streams,
        "uniformsSeed1": uniforms,
        "normalStreams": normals,
        "normalCdf": [{"x": x, "cdf": f(stats.norm.cdf(x))} for x in grid],
        "gammaCdf": [{"shape": a, "x": x, "cdf": f(stats.gamma.cdf(x, a))} for a in (0.3, 2.5) for x in (0.1, 0.5, 1.0, 2.0, 4.0)],
        "betaCdf": [{"a": a, "b": b, "x": x, "cdf": f(stats.beta.cdf(x, a, b))} for (a, b) in ((0.5, 0.5), (2.0, 5.0)) for x in (0.05, 0.2, 0.5, 0.8)],
    }


# ---------------------------------------------------------------- special functions
def special_section():
    xs = [1e-300, 1e-10, 0.001, 0.1, 0.5, 0.9, 1.0, 1.5, 2.0, 2.5, 3.0, 7.3, 9.99, 10.0, 10.5, 30.0, 171.5, 1000.0, 1e6, 1e15, -0.5, -2.5, -10.3]
    gl = [{"x": x, "value": f(special.gammaln(x))} for x in xs]
    # high-precision values where float64 references could be off near the zeros of lnΓ
    gl_hp = [{"x": x, "value": f(mpmath.loggamma(mpmath.mpf(x)).real)} for x in (0.999, 1.001, 1.9999, 2.0001, 0.25, 4.75)]
    dg_xs = [1e-8, 0.01, 0.3, 0.5, 1.0, 1.4616321449683622, 2.0, 5.5, 9.9, 10.0, 12.0, 100.0, 1e5, 1e10, -0.5, -3.7]
    dg = [{"x": x, "value": f(mpmath.digamma(mpmath.mpf(x)))} for x in dg_xs]
    pairs = [(2.0, 3.0), (0.5, 0.5), (1e-3, 2.0), (0.7, 25.0), (12.0, 15.5), (3000.5, 7000.5), (5000.0, 5000.0), (1e6, 2.5), (1e-5, 1e-5)]
    lb = [{"a": a, "b": b, "value": f(special.betaln(a, b))} for (a, b) in pairs]
    lb_hp = [{"a": a, "b": b, "value": f(mpmath.log(mpmath.beta(mpmath.mpf(a), mpmath.mpf(b))))} for (a, b) in pairs]
    lse_cases = [[1000.0, 1000.0], [-1000.0, -1000.0], [0.0, -40.0], [1.0, 2.0, 3.0], [-1e308, 0.0], [5.0], [0.0] * 1000, list(np.linspace(-50, 50, 101))]
    lse = [{"xs": c, "value": f(special.logsumexp(c))} for c in lse_cases]
    sp_xs = [-800.0, -40.0, -37.0, -5.0, -1e-10, 0.0, 1e-10, 1.0, 17.5, 18.5, 30.0, 34.0, 800.0]
    sp = [{"x": x, "value": f(mpmath.log1p(mpmath.exp(mpmath.mpf(x))))} for x in sp_xs]
    l1m_xs = [-1e-20, -1e-5, -0.5, -0.7, -1.0, -30.0, -800.0]
    l1m = [{"x": x, "value": f(mpmath.log(1 - mpmath.exp(mpmath.mpf(x))))} for x in l1m_xs]
    em_xs = [1e-12, -1e-12, 1e-8, 1e-4, -1e-4, 0.3, -0.49, 0.5, 2.0, -3.0, 20.0]
    em = [{"x": x, "value": f(mpmath.exp(mpmath.mpf(x)) - 1 - mpmath.mpf(x))} for x in em_xs]
    return {"logGamma": gl + gl_hp, "digamma": dg, "logBeta": lb, "logBetaHighPrecision": lb_hp, "logSumExp": lse, "log1pExp": sp, "log1mExp": l1m, "expm1mx": em}


# ---------------------------------------------------------------- distributions
def dists_section():
    normal = []
    for (m, s) in ((0.0, 1.0), (1.5, 0.3), (-50.0, 1e-4), (3.0, 1e3)):
        xs = [m - 3 * s, m, m + 0.5 * s, m + 10 * s]
        normal.append({"mean": m, "sd": s, "x": xs, "logProb": [f(stats.norm.logpdf(x, m, s)) for x in xs], "entropy": f(stats.norm.entropy(m, s))})
    beta = []
    for (a, b) in ((2.0, 3.0), (0.5, 0.5), (1.0, 1.0), (30.0, 70.0), (0.05, 2.0), (3000.5, 7000.5)):
        xs = [1e-6, 0.01, 0.3, 0.5, 0.99]
        d = stats.beta(a, b)
        beta.append({"a": a, "b": b, "x": xs, "logProb": [f(d.logpdf(x)) for x in xs], "entropy": f(beta_entropy_mp(a, b)), "entropyScipy": f(d.entropy()), "mean": f(d.mean()), "variance": f(d.var()),
                     "meanLog": f(special.digamma(a) - special.digamma(a + b)), "meanLog1m": f(special.digamma(b) - special.digamma(a + b))})
    bern = [{"p": p, "logProb": [f(stats.bernoulli.logpmf(0, p)), f(stats.bernoulli.logpmf(1, p))], "entropy": f(stats.bernoulli.entropy(p))} for p in (0.25, 0.5, 1e-9, 0.999)]
    cats = []
    for probs in ([0.2, 0.3, 0.5], [0.25] * 4, [0.7, 0.0, 0.3]):
        cats.append({"probs": probs, "logProb": [f(np.log(p)) if p > 0 else None for p in probs], "entropy": f(stats.entropy(probs)),
                     "mean": f(sum(i * p for i, p in enumerate(probs))), "variance": f(sum(i * i * p for i, p in enumerate(probs)) - sum(i * p for i, p in enumerate(probs)) ** 2)})
    mix = []
    for (w, mu, sd) in (([0.5, 0.5], [-1.0, 1.0], [1.0, 1.0]), ([0.2, 0.5, 0.3], [-3.0, 0.0, 4.0], [0.5, 1.0, 2.0])):
        xs = [-5.0, -1.0, 0.0, 2.0, 40.0]
        lp = [f(special.logsumexp([np.log(wk) + stats.norm.logpdf(x, mk, sk) for wk, mk, sk in zip(w, mu, sd)])) for x in xs]
        mean = sum(wk * mk for wk, mk in zip(w, mu))
        var = sum(wk * (sk**2 + mk**2) for wk, mk, sk in zip(w, mu, sd)) - mean**2
        mix.append({"weights": w, "means": mu, "sds": sd, "x": xs, "logProb": lp, "mean": f(mean), "variance": f(var)})
    mvn = []
    for (mu, sd) in (([0.0, 1.0], [1.0, 2.0]), ([5.0, -2.0, 0.5], [0.1, 3.0, 1.0])):
        cov = np.diag(np.square(sd))
        x = [m + 0.7 * s for m, s in zip(mu, sd)]
        d = stats.multivariate_normal(mu, cov)
        mvn.append({"mean": mu, "sd": sd, "x": x, "logProb": f(d.logpdf(x)), "entropy": f(d.entropy())})
    return {"normal": normal, "beta": beta, "bernoulli": bern, "categorical": cats, "normalMixture": mix, "diagNormal": mvn}


# ---------------------------------------------------------------- divergences
def kl_normal_mp(mq, sq, mp, sp):
    mq, sq, mp, sp = map(mpmath.mpf, (mq, sq, mp, sp))
    return mpmath.log(sp / sq) + (sq**2 + (mq - mp) ** 2) / (2 * sp**2) - mpmath.mpf(1) / 2


def kl_beta_mp(a1, b1, a2, b2):
    a1, b1, a2, b2 = map(mpmath.mpf, (a1, b1, a2, b2))
    lb = lambda a, b: mpmath.log(mpmath.beta(a, b))
    ps = mpmath.digamma(a1 + b1)
    return lb(a2, b2) - lb(a1, b1) + (a1 - a2) * (mpmath.digamma(a1) - ps) + (b1 - b2) * (mpmath.digamma(b1) - ps)


def beta_entropy_mp(a, b):
    """H[Beta(a, b)] at 50 digits (scipy's entropy is only ~1e-11 accurate for some shapes)."""
    a, b = mpmath.mpf(a), mpmath.mpf(b)
    return mpmath.log(mpmath.beta(a, b)) - (a - 1) * mpmath.digamma(a) - (b - 1) * mpmath.digamma(b) + (a + b - 2) * mpmath.digamma(a + b)


def kl_section():
    nn = []
    for (mq, sq, mp, sp) in ((0.0, 1.0, 1.0, 2.0), (1.0, 2.0, 0.0, 1.0), (0.3, 0.4, 0.8444444444444444, 1 / 3), (0.0, 1.0 + 1e-10, 0.0, 1.0),
                             (0.0, 1.0, 0.0, 1.0 + 1e-7), (1e-9, 1.0, 0.0, 1.0), (50.0, 1e-4, 0.0, 1.0), (0.0, 1e3, 0.0, 1e-3)):
        # scipy cross-check by quadrature for the ordinary cases
        nn.append({"q": [mq, sq], "p": [mp, sp], "value": f(kl_normal_mp(mq, sq, mp, sp))})
    quad_check = integrate.quad(lambda z: stats.norm.pdf(z, 0, 1) * (stats.norm.logpdf(z, 0, 1) - stats.norm.logpdf(z, 1, 2)), -np.inf, np.inf, epsabs=0, epsrel=1e-13)[0]
    bb = [{"q": [a1, b1], "p": [a2, b2], "value": f(kl_beta_mp(a1, b1, a2, b2))}
          for (a1, b1, a2, b2) in ((1.0, 1.0, 2.0, 2.0), (2.0, 2.0, 1.0, 1.0), (3.0, 2.0, 6.0, 4.0), (0.5, 0.5, 30.0, 5.0), (3000.5, 7000.5, 3000.0, 7001.0))]
    cat = []
    for (q, p) in (([0.5, 0.5], [0.9, 0.1]), ([0.2, 0.3, 0.5], [0.1, 0.1, 0.8]), ([0.0, 1.0], [0.5, 0.5])):
        cat.append({"q": q, "p": p, "value": f(stats.entropy(q, p))})
    mvn = {"q": [[0.0, 0.0], [1.0, 1.0]], "p": [[1.0, 0.0], [2.0, 1.0]], "value": f(kl_normal_mp(0, 1, 1, 2) + kl_normal_mp(0, 1, 0, 1))}
    # a pair without a closed form: KL between a bimodal mixture and a Normal, both directions
    mixq = lambda z: special.logsumexp([np.log(0.5) + stats.norm.logpdf(z, -2, 0.6), np.log(0.5) + stats.norm.logpdf(z, 2, 0.6)])
    nq = lambda z: stats.norm.logpdf(z, 0, 2)
    pts = [-2, 0, 2]
    fwd = integrate.quad(lambda z: math.exp(mixq(z)) * (mixq(z) - nq(z)), -30, 30, points=pts, epsabs=0, epsrel=1e-12, limit=400)[0]
    rev = integrate.quad(lambda z: math.exp(nq(z)) * (nq(z) - mixq(z)), -30, 30, points=pts, epsabs=0, epsrel=1e-12, limit=400)[0]
    return {"normalNormal": nn, "normalNormalQuadCheck": f(quad_check), "betaBeta": bb, "categorical": cat, "diagNormal": mvn,
            "mixtureVsNormal": {"mixture": {"weights": [0.5, 0.5], "means": [-2.0, 2.0], "sds": [0.6, 0.6]}, "normal": [0.0, 2.0], "klMixtureToNormal": f(fwd), "klNormalToMixture": f(rev)}}


# ---------------------------------------------------------------- models and ELBO parts
def quad_log_expect(logq, g, peaks, lo=-np.inf, hi=np.inf):
    """E_q[g] by scipy quad, split at peak ± k·width (QUADPACK, independent of the TS quadrature)."""
    cuts = sorted({p + k * w for (p, w) in peaks for k in (-60, -20, -6, -2, 0, 2, 6, 20, 60) if lo < p + k * w < hi})
    edges = [lo] + cuts + [hi]
    total = mpmath.mpf(0)
    for a, b in zip(edges[:-1], edges[1:]):
        val = integrate.quad(lambda z: (lambda lq: 0.0 if lq < -745 else math.exp(lq) * g(z))(logq(z)), a, b, epsabs=0, epsrel=1e-13, limit=500)[0]
        total += val
    return f(total)


def log_integral(logf, peaks, lo=-np.inf, hi=np.inf):
    m = max(logf(p) for (p, _) in peaks)
    cuts = sorted({p + k * w for (p, w) in peaks for k in (-60, -20, -6, -2, 0, 2, 6, 20, 60) if lo < p + k * w < hi})
    edges = [lo] + cuts + [hi]
    total = 0.0
    for a, b in zip(edges[:-1], edges[1:]):
        total += integrate.quad(lambda z: math.exp(logf(z) - m), a, b, epsabs=0, epsrel=1e-13, limit=500)[0]
    return m + math.log(total)


def gaussian_case(name, kind, mu0, tau0, sigma, data, qm, qs):
    x = np.asarray(data, dtype=float)
    n = len(x)
    sq = kind == "squared-normal"

    def loglik(z):
        mean = z * z if sq else z
        return float(np.sum(stats.norm.logpdf(x, mean, sigma)))

    logprior = lambda z: float(stats.norm.logpdf(z, mu0, tau0))
    logjoint = lambda z: logprior(z) + loglik(z)
    logq = lambda z: float(stats.norm.logpdf(z, qm, qs))
    out = {"name": name, "model": {"kind": kind, "priorMean": mu0, "priorSd": tau0, "noiseSd": sigma, "data": [float(v) for v in x]}, "q": {"kind": "normal", "mean": qm, "sd": qs}}
    if not sq:
        # precision form of the conjugate posterior, and the evidence as a multivariate normal
        prec = 1 / tau0**2 + n / sigma**2
        post_m = (mu0 / tau0**2 + x.sum() / sigma**2) / prec
        post_s = prec ** -0.5
        if n <= 50:
            # x ~ N(mu0·1, σ²I + τ0²11ᵀ), evaluated with a 50-digit Cholesky: SciPy's float64
            # multivariate_normal loses ~8 digits when σ = 1e-4 (condition number ~1e9).
            cov = mpmath.matrix(n, n)
            for i in range(n):
                for j in range(n):
                    cov[i, j] = mpmath.mpf(tau0) ** 2 + (mpmath.mpf(sigma) ** 2 if i == j else 0)
            L = mpmath.cholesky(cov)
            y = mpmath.lu_solve(L, mpmath.matrix([mpmath.mpf(v) - mu0 for v in x]))
            logdet = 2 * sum(mpmath.log(L[i, i]) for i in range(n))
            logev = f(-(n * mpmath.log(2 * mpmath.pi) + logdet + sum(v * v for v in y)) / 2)
            out["logEvidenceScipyMvn"] = f(stats.multivariate_normal(np.full(n, mu0), sigma**2 * np.eye(n) + tau0**2 * np.ones((n, n))).logpdf(x))
        else:
            logev = log_integral(logjoint, [(post_m, post_s)])
        peaks = [(post_m, post_s)]
        out["posterior"] = {"mean": f(post_m), "sd": f(post_s)}
    else:
        # modes from the numpy cubic solver, widths from a finite-difference curvature
        xb = x.mean()
        c = sigma**2 / (2 * n * tau0**2)
        roots = np.roots([1.0, 0.0, c - xb, -mu0 * c])
        real = sorted(r.real for r in roots if abs(r.imag) < 1e-9 * max(1, abs(r)))
        peaks = []
        for r in real:
            d2 = -1 / tau0**2 + (2 * n / sigma**2) * (xb - 3 * r * r)
            if d2 < 0:
                peaks.append((float(r), float((-d2) ** -0.5)))
        logev = log_integral(logjoint, peaks)
        out["posteriorModes"] = [p for (p, _) in peaks]
        # mpmath cross-check of the evidence (50 digits), split at the modes
        mpx = [mpmath.mpf(v) for v in x]
        mm = max(logjoint(p) for (p, _) in peaks)

        def mp_joint(z):
            ll = sum(-((xi - z * z) ** 2) for xi in mpx) / (2 * mpmath.mpf(sigma) ** 2) - n * (mpmath.log(sigma) + mpmath.log(2 * mpmath.pi) / 2)
            lp = -((z - mu0) ** 2) / (2 * mpmath.mpf(tau0) ** 2) - mpmath.log(tau0) - mpmath.log(2 * mpmath.pi) / 2
            return mpmath.exp(ll + lp - mm)

        if n <= 50:
            pts = sorted({p + k * w for (p, w) in peaks for k in (-60, -20, -6, -2, 0, 2, 6, 20, 60)})
            out["logEvidenceMpmath"] = f(mm + mpmath.log(mpmath.quad(mp_joint, [-mpmath.inf] + pts + [mpmath.inf])))
    out["logEvidence"] = f(logev)
    qpeak = [(qm, qs)]
    ell = quad_log_expect(logq, loglik, qpeak)
    elp = quad_log_expect(logq, logprior, qpeak)
    klp = f(kl_normal_mp(qm, qs, mu0, tau0))
    ent = f(stats.norm.entropy(qm, qs))
    klpost = quad_log_expect(logq, lambda z: logq(z) - logjoint(z), qpeak) + logev
    out["parts"] = {"expectedLogLik": ell, "expectedLogPrior": elp, "klToPrior": klp, "entropy": ent, "expectedLogJoint": ell + elp, "elbo": ell - klp, "klToPosterior": klpost, "logEvidence": f(logev)}
    return out


def coin_case(name, a0, b0, data, qa, qb):
    x = np.asarray(data)
    n, k = len(x), int(x.sum())
    logev = f(special.betaln(a0 + k, b0 + n - k) - special.betaln(a0, b0))
    # cross-check the evidence by quadrature of the joint
    loglik = lambda z: k * math.log(z) + (n - k) * math.log1p(-z)
    qd = stats.beta(qa, qb)
    mlog = f(special.digamma(qa) - special.digamma(qa + qb))
    mlog1m = f(special.digamma(qb) - special.digamma(qa + qb))
    ell = k * mlog + (n - k) * mlog1m
    klp = f(kl_beta_mp(qa, qb, a0, b0))
    klpost = f(kl_beta_mp(qa, qb, a0 + k, b0 + n - k))
    elp = (a0 - 1) * mlog + (b0 - 1) * mlog1m - f(special.betaln(a0, b0))
    ell_quad = integrate.quad(lambda z: qd.pdf(z) * loglik(z), 0, 1, epsabs=0, epsrel=1e-12, limit=500)[0] if qa >= 1 and qb >= 1 and n < 1000 else None
    return {"name": name, "model": {"kind": "beta-bernoulli", "priorA": a0, "priorB": b0, "data": [int(v) for v in x]}, "q": {"kind": "beta", "a": qa, "b": qb},
            "posterior": {"a": a0 + k, "b": b0 + n - k}, "logEvidence": logev,
            "parts": {"expectedLogLik": f(ell), "expectedLogPrior": f(elp), "klToPrior": klp, "entropy": f(beta_entropy_mp(qa, qb)), "expectedLogJoint": f(ell + elp), "elbo": f(ell - klp), "klToPosterior": klpost, "logEvidence": logev},
            "expectedLogLikQuad": ell_quad}


def mixture_case():
    w, mu, sd = [0.3, 0.7], [-1.0, 2.0], [1.0, 0.5]
    data = [0.0, 1.0, 2.5, -3.0]
    table = np.array([[np.log(wk) + stats.norm.logpdf(x, mk, sk) for wk, mk, sk in zip(w, mu, sd)] for x in data])
    lse = special.logsumexp(table, axis=1)
    resp = np.exp(table - lse[:, None])
    qrows = [[0.5, 0.5], [0.9, 0.1], [0.2, 0.8], [1.0, 0.0]]
    ell = sum(q[k] * (table[i, k] - np.log(w[k])) for i, q in enumerate(qrows) for k in range(2) if q[k] > 0)
    klp = sum(stats.entropy(q, w) for q in qrows)
    klpost = sum(stats.entropy(q, r) for q, r in zip(qrows, resp))
    ent = sum(stats.entropy(q) for q in qrows)
    return {"model": {"kind": "gaussian-mixture", "weights": w, "means": mu, "sds": sd, "data": data}, "logEvidence": f(lse.sum()), "pointLogLik": [f(v) for v in lse],
            "responsibilities": resp.tolist(), "q": qrows,
            "parts": {"expectedLogLik": f(ell), "klToPrior": f(klp), "klToPosterior": f(klpost), "entropy": f(ent), "elbo": f(ell - klp)}}


def models_section():
    rs = np.random.RandomState(20240601)
    big = np.round(1.3 + 2.0 * rs.standard_normal(10000), 6)
    far = np.round(50.0 + 1.0 * rs.standard_normal(20), 6)
    tiny = np.round(0.7 + 1e-4 * rs.standard_normal(5), 9)
    sq_big = np.round(1.0 + 1e-4 * rs.standard_normal(10000), 9)
    sq_50 = np.round(1.0 + 0.1 * rs.standard_normal(50), 6)
    gauss = [
        gaussian_case("nn-basic", "normal-normal", 0.0, 1.0, 0.5, [0.8, 1.1], 0.3, 0.4),
        gaussian_case("nn-tiny-noise", "normal-normal", 0.0, 1.0, 1e-4, tiny, 0.5, 0.1),
        gaussian_case("nn-data-50-sds-away", "normal-normal", 0.0, 1.0, 1.0, far, 0.0, 1.0),
        gaussian_case("nn-n10000", "normal-normal", 0.0, 1.0, 2.0, big, 1.3, 0.02),
        gaussian_case("sq-basic", "squared-normal", 0.0, 1.0, 0.5, [0.8, 1.1], 0.3, 0.4),
        gaussian_case("sq-asymmetric-prior", "squared-normal", 0.3, 1.0, 0.1, sq_50, 1.0, 0.05),
        gaussian_case("sq-negative-data", "squared-normal", 0.0, 1.0, 0.3, [-0.5, -0.2], 0.2, 0.5),
        gaussian_case("sq-data-50-sds-away", "squared-normal", 0.0, 1.0, 1.0, far, 7.0, 0.5),
        gaussian_case("sq-tiny-noise-n10000", "squared-normal", 0.0, 1.0, 1e-4, sq_big, 1.0, 1e-3),
    ]
    coin = [
        coin_case("coin-basic", 2.0, 3.0, [1, 0, 1, 1], 3.0, 2.0),
        coin_case("coin-n10000", 0.5, 0.5, [1] * 3000 + [0] * 7000, 3000.0, 7000.0),
        coin_case("coin-all-tails", 1.0, 1.0, [0] * 20, 0.5, 5.0),
    ]
    return {"gaussian": gauss, "coin": coin, "mixture": mixture_case()}


def main():
    ref = {
        "generatedBy": "test/reference/make_reference.py (NumPy %s, SciPy %s, mpmath %s)" % (np.__version__, __import__("scipy").__version__, mpmath.__version__),
        "rng": rng_section(),
        "special": special_section(),
        "dists": dists_section(),
        "kl": kl_section(),
        "models": models_section(),
    }
    with open(OUT, "w") as fh:
        json.dump(ref, fh, indent=1, allow_nan=False)
        fh.write("\n")
    print("wrote", OUT)


if __name__ == "__main__":
    main()
