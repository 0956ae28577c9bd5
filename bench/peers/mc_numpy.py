#!/usr/bin/env python3
"""NumPy peer of bench/cases/mc.ts: Monte Carlo ELBO and IWAE bound on the normal-normal model.

Same model (prior N(0, 1), noise sd 0.5, 10 observations evenly spaced in [-1, 2]), same q
(N(0.3, 0.4^2)), float64, draws included. Two ways of writing it:

  - "suffstats": the data summed first (n, mean, centred sum of squares), as ELBO Lab does:
    the same algorithm, O(1) work per draw;
  - "broadcast": the textbook NumPy line, log N(x_i | z, sigma) over an (n_samples, 10) array;
  - "powersums" (MC ELBO only): ELBO Lab's own fast path written in NumPy. With z = M + S*eps the
    log-weight is exactly a + b*eps + c*eps^2, so the mean and variance of the weights follow from
    the sums of eps, eps^2, eps^3, eps^4 and no weight is formed.

    /usr/bin/python3 bench/peers/mc_numpy.py '{"n": 1000000, "k": 100, "groups": 10000, "reps": 7, "warmup": 2}'

Prints one JSON line: times in ms per variant, estimates, numpy version, BLAS, peak RSS.
"""
import json
import math
import resource
import sys
import time

import numpy as np

DATA = np.array([-1 + 3 * i / 9 for i in range(10)])
MU0, TAU0, SIGMA = 0.0, 1.0, 0.5
M, S = 0.3, 0.4
HALF_LOG_2PI = 0.5 * math.log(2 * math.pi)


def log_weights_suffstats(rng, n):
    eps = rng.standard_normal(n)
    z = M + S * eps
    k = DATA.size
    xbar = DATA.mean()
    ss = ((DATA - xbar) ** 2).sum()
    log_prior = -0.5 * ((z - MU0) / TAU0) ** 2 - math.log(TAU0) - HALF_LOG_2PI
    log_lik = -(ss + k * (xbar - z) ** 2) / (2 * SIGMA ** 2) - k * (math.log(SIGMA) + HALF_LOG_2PI)
    log_q = -0.5 * eps ** 2 - math.log(S) - HALF_LOG_2PI
    return log_prior + log_lik - log_q


def log_weights_broadcast(rng, n):
    eps = rng.standard_normal(n)
    z = M + S * eps
    log_prior = -0.5 * ((z - MU0) / TAU0) ** 2 - math.log(TAU0) - HALF_LOG_2PI
    log_lik = (-0.5 * ((DATA[None, :] - z[:, None]) / SIGMA) ** 2 - math.log(SIGMA) - HALF_LOG_2PI).sum(axis=1)
    log_q = -0.5 * eps ** 2 - math.log(S) - HALF_LOG_2PI
    return log_prior + log_lik - log_q


def quadratic_coefficients():
    """ln w = a + b*eps + c*eps^2 for z = M + S*eps, from the same model (derived by hand here)."""
    k = DATA.size
    xbar = DATA.mean()
    ss = ((DATA - xbar) ** 2).sum()
    const = -math.log(TAU0) - HALF_LOG_2PI - k * (math.log(SIGMA) + HALF_LOG_2PI) + math.log(S) + HALF_LOG_2PI

    def log_joint(z):
        return -0.5 * ((z - MU0) / TAU0) ** 2 - (ss + k * (xbar - z) ** 2) / (2 * SIGMA ** 2)

    a = log_joint(M) + const
    slope = -(M - MU0) / TAU0 ** 2 + k * (xbar - M) / SIGMA ** 2
    curvature = -1 / TAU0 ** 2 - k / SIGMA ** 2
    return a, S * slope, 0.5 * S * S * curvature + 0.5  # + eps^2/2 from -ln q


def mc_elbo_powersums(rng, n):
    a, b, c = quadratic_coefficients()
    eps = rng.standard_normal(n)
    e2 = eps * eps
    s1, s2, s3, s4 = eps.sum(), e2.sum(), (e2 * eps).sum(), (e2 * e2).sum()
    sd = b * s1 + c * s2
    sd2 = b * b * s2 + 2 * b * c * s3 + c * c * s4
    mean = a + sd / n
    var = (sd2 - sd * sd / n) / (n - 1)
    return mean, math.sqrt(var / n)


def mc_elbo(rng, n, log_weights):
    w = log_weights(rng, n)
    return w.mean(), w.std(ddof=1) / math.sqrt(n)


def iwae(rng, k, groups, log_weights):
    w = log_weights(rng, k * groups).reshape(groups, k)
    top = w.max(axis=1, keepdims=True)
    b = (top[:, 0] + np.log(np.exp(w - top).sum(axis=1))) - math.log(k)
    return b.mean(), b.std(ddof=1) / math.sqrt(groups)


def timed(f, reps, warmup):
    for _ in range(warmup):
        f()
    out = []
    for _ in range(reps):
        t = time.perf_counter()
        f()
        out.append(1000 * (time.perf_counter() - t))
    return out


def blas_libraries():
    """Which BLAS/LAPACK shared objects this process has loaded (from /proc/self/maps)."""
    libs = set()
    try:
        with open("/proc/self/maps") as f:
            for line in f:
                p = line.split()[-1]
                if any(s in p for s in ("blas", "lapack", "mkl", "gomp")):
                    libs.add(p)
    except OSError:
        pass
    return sorted(libs)


def main():
    a = dict(n=1_000_000, k=100, groups=10_000, reps=7, warmup=2, variants=["suffstats", "broadcast", "powersums"])
    if len(sys.argv) > 1:
        a.update(json.loads(sys.argv[1]))
    rng = np.random.default_rng(1)
    out = dict(numpy=np.__version__, python=sys.version.split()[0])
    fns = dict(suffstats=log_weights_suffstats, broadcast=log_weights_broadcast)
    for name in a["variants"]:
        if name == "powersums":
            res = {}
            out["powersumsMcMs"] = timed(lambda: res.__setitem__("mc", mc_elbo_powersums(rng, a["n"])), a["reps"], a["warmup"])
            out["powersumsMcEstimate"] = float(res["mc"][0])
            continue
        lw = fns[name]
        res = {}
        out[name + "McMs"] = timed(lambda: res.__setitem__("mc", mc_elbo(rng, a["n"], lw)), a["reps"], a["warmup"])
        out[name + "IwaeMs"] = timed(lambda: res.__setitem__("iw", iwae(rng, a["k"], a["groups"], lw)), a["reps"], a["warmup"])
        out[name + "McEstimate"] = float(res["mc"][0])
        out[name + "IwaeEstimate"] = float(res["iw"][0])
    out["blas"] = blas_libraries()
    out["maxRssMb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(out))


if __name__ == "__main__":
    main()
