#!/usr/bin/env python3
"""Independent reference values for src/tf/gradient-vi, src/iwae and src/em tests (NumPy/SciPy).

Run with Debian's python (it has numpy and scipy):
    .venv/bin/python test/reference/gradient_vi_reference.py
It writes test/reference/gradient-vi-reference.json next to this script. The TypeScript tests
read the data and the expected values from that file; nothing here comes from the TS code.
"""
import json
import math
import os

import numpy as np
from scipy import integrate, stats

# normal-normal: z ~ N(mu0, tau0^2), x_i | z ~ N(z, sigma^2)
nn = dict(mu0=0.0, tau0=2.0, sigma=1.0,
          x=[1.2, 0.8, 2.1, 1.5, 0.3, 1.9, 1.1, 0.7, 1.4, 1.6])
x = np.array(nn["x"])
n = len(x)
prec = 1 / nn["tau0"] ** 2 + n / nn["sigma"] ** 2
post_mean = (nn["mu0"] / nn["tau0"] ** 2 + x.sum() / nn["sigma"] ** 2) / prec
post_sd = math.sqrt(1 / prec)
cov = nn["sigma"] ** 2 * np.eye(n) + nn["tau0"] ** 2 * np.ones((n, n))
log_evidence = stats.multivariate_normal(mean=np.full(n, nn["mu0"]), cov=cov).logpdf(x)


def log_joint_nn(z):
    return stats.norm.logpdf(z, nn["mu0"], nn["tau0"]) + stats.norm.logpdf(x, z, nn["sigma"]).sum()


# Cross-check by quadrature of the joint.
ev_quad, _ = integrate.quad(lambda z: math.exp(log_joint_nn(z) - log_evidence), -10, 10, points=[post_mean])
assert abs(ev_quad - 1) < 1e-8, ev_quad


def gaussian_elbo_nn(m, s):
    """ELBO of q = N(m, e^{2s}) in closed form: E_q log p(x, z) + H[q]."""
    v = math.exp(2 * s)
    e_log_prior = -0.5 * ((m - nn["mu0"]) ** 2 + v) / nn["tau0"] ** 2 - math.log(nn["tau0"]) - 0.5 * math.log(2 * math.pi)
    e_log_lik = (-0.5 * (((x - m) ** 2).sum() + n * v) / nn["sigma"] ** 2
                 - n * (math.log(nn["sigma"]) + 0.5 * math.log(2 * math.pi)))
    return e_log_prior + e_log_lik + s + 0.5 * math.log(2 * math.pi * math.e)


def gaussian_elbo_grad_nn(m, s, h=1e-6):
    """Central differences of the closed-form ELBO (independent of any hand-derived gradient)."""
    return ((gaussian_elbo_nn(m + h, s) - gaussian_elbo_nn(m - h, s)) / (2 * h),
            (gaussian_elbo_nn(m, s + h) - gaussian_elbo_nn(m, s - h)) / (2 * h))


q_probe = dict(mean=0.0, logSd=0.0)
g = gaussian_elbo_grad_nn(q_probe["mean"], q_probe["logSd"])
q_iwae = dict(mean=float(x.mean()), sd=1.0)

# squared-normal: z ~ N(mu0, tau0^2), x_i | z ~ N(z^2, sigma^2)
sq = dict(mu0=0.0, tau0=2.0, sigma=0.5, x=[2.1, 2.4, 1.9, 2.2, 2.5])
xs = np.array(sq["x"])


def log_joint_sq(z):
    return stats.norm.logpdf(z, sq["mu0"], sq["tau0"]) + stats.norm.logpdf(xs, z * z, sq["sigma"]).sum()


zs = np.linspace(-6, 6, 200001)
lj = np.array([log_joint_sq(z) for z in zs[::100]])
shift = lj.max()
peak = math.sqrt(xs.mean())
ev_sq, _ = integrate.quad(lambda z: math.exp(log_joint_sq(z) - shift), -8, 8, points=[-peak, peak], limit=200)
log_evidence_sq = shift + math.log(ev_sq)
half, _ = integrate.quad(lambda z: math.exp(log_joint_sq(z) - shift), 0, 8, points=[peak], limit=200)

out = {
    "generatedBy": "test/reference/gradient_vi_reference.py (NumPy %s, SciPy)" % np.__version__,
    "normalNormal": {
        **nn,
        "posteriorMean": post_mean,
        "posteriorSd": post_sd,
        "logEvidence": log_evidence,
        "probe": {"q": q_probe, "elbo": gaussian_elbo_nn(0.0, 0.0), "dMean": g[0], "dLogSd": g[1]},
        "iwaeProposal": q_iwae,
        "iwaeProposalElbo": gaussian_elbo_nn(q_iwae["mean"], math.log(q_iwae["sd"])),
    },
    "squaredNormal": {
        **sq,
        "logEvidence": log_evidence_sq,
        "posteriorMassPositive": half / ev_sq,
    },
}
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "gradient-vi-reference.json")
with open(path, "w") as f:
    json.dump(out, f, indent=2)
print(json.dumps(out, indent=2))
