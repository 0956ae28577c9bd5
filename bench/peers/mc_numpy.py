#!/usr/bin/env python3
"""NumPy peer of bench/cases/mc.ts: Monte Carlo ELBO and IWAE bound on the normal-normal model.

Same model (prior N(0, 1), noise sd 0.5, 10 observations evenly spaced in [-1, 2]), same q
(N(0.3, 0.4^2)), float64, draws included. Two ways of writing it:

  - "suffstats": the data summed first (n, mean, centred sum of squares), as ELBO Lab does:
    the same algorithm, O(1) work per draw;
  - "broadcast": the textbook NumPy line, log N(x_i | z, sigma) over an (n_samples, 10) array.

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
    a = dict(n=1_000_000, k=100, groups=10_000, reps=7, warmup=2, variants=["suffstats", "broadcast"])
    if len(sys.argv) > 1:
        a.update(json.loads(sys.argv[1]))
    rng = np.random.default_rng(1)
    out = dict(numpy=np.__version__, python=sys.version.split()[0])
    fns = dict(suffstats=log_weights_suffstats, broadcast=log_weights_broadcast)
    for name in a["variants"]:
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
