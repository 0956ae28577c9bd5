/**
 * Measurement child: Monte Carlo ELBO and IWAE bound on the normal-normal model with 10
 * observations, draws included, float64, one process per measurement.
 *
 *   node dist/bench/cases/mc.js '{"n":1000000,"k":100,"groups":10000,"reps":7,"warmup":2}'
 *
 * Prints {mcMs[], iwaeMs[], estimates, maxRssMb}. The same model and q as bench/peers/mc_numpy.py.
 */
import { normalNormalModel } from "../../src/models";
import { Normal } from "../../src/dists";
import { createRng } from "../../src/random";
import { iwaeBound, mcElbo } from "../../src/estimators";
import { childArgs, emit, maxRssMb, timeMs } from "../lib";

/** The benchmark's model: 10 observations evenly spaced in [−1, 2]; q = N(0.3, 0.4²). Shared with the NumPy peer. */
export const MC_DATA = Array.from({ length: 10 }, (_, i) => -1 + (3 * i) / 9);
export const MC_MODEL = { priorMean: 0, priorSd: 1, noiseSd: 0.5 };
export const MC_Q = { mean: 0.3, sd: 0.4 };

function main(): void {
  const a = childArgs({ n: 1_000_000, k: 100, groups: 10_000, reps: 7, warmup: 2, what: "both" });
  const model = normalNormalModel({ ...MC_MODEL, data: MC_DATA });
  const q = new Normal(MC_Q.mean, MC_Q.sd);
  let seed = 1;
  let mc = { estimate: NaN, stderr: NaN };
  let iw = { estimate: NaN, stderr: NaN };
  const mcMs = a.what === "iwae" ? [] : timeMs(() => (mc = mcElbo(model, q, createRng(seed++), a.n)), a.reps, a.warmup);
  const iwaeMs = a.what === "mc" ? [] : timeMs(() => (iw = iwaeBound(model, q, createRng(seed++), a.k, a.groups)), a.reps, a.warmup);
  emit({
    mcMs,
    iwaeMs,
    mcEstimate: mc.estimate,
    mcStderr: mc.stderr,
    iwaeEstimate: iw.estimate,
    iwaeStderr: iw.stderr,
    maxRssMb: maxRssMb(),
  });
}

if (require.main === module) main();
