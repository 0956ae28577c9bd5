/**
 * Gradient-based variational inference with TensorFlow.js autodiff, for models with one
 * scalar latent z and a Gaussian q(z) = N(m, exp(s)²) (parameters: mean m, log-sd s).
 *
 *   ELBO(m, s) = E_q[log p(x, z)] + H[q],   H[q] = s + ½ log(2πe).
 *
 * Gradient estimators of ∇_(m,s) ELBO from S draws:
 *   "reparam"        z = m + e^s ε, ε ~ N(0, 1): autodiff through mean_i log p(x, z_i) + H[q].
 *   "stl"            "sticking the landing" (Roeder et al. 2017): autodiff through
 *                    mean_i log p(x, z_i) − log q(z_i) with q's parameters in log q held
 *                    fixed (a stopped gradient), so the score term ∇_φ log q_φ(z) is dropped;
 *                    zero variance at q = p(z | x).
 *   "score"          (score function / REINFORCE) mean_i f_i ∇ log q(z_i),
 *                    f_i = log p(x, z_i) − log q(z_i), z_i held fixed.
 *   "score-baseline" the same with f_i − b_i, b_i = mean of the other S−1 draws' f
 *                    (leave-one-out, so the estimator stays unbiased; needs S ≥ 2).
 * All four are unbiased; their variances differ by orders of magnitude (see
 * `gradientEstimates`). `fitGaussianVI` runs `tf.train.adam` on any of them.
 *
 * Float32 throughout (tfjs); data enter through float64 sufficient statistics so that
 * log p(x, z) = C − ½(z − μ0)²/τ0² − ½ n (x̄ − g(z))²/σ² with C computed in float64.
 */
import * as tf from "@tensorflow/tfjs";
import { checkBackendChosen } from "./backend";
import { createRng } from "../random/rng";

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);
/** Entropy of N(m, e^{2s}) minus s: ½ log(2πe). */
const HALF_LOG_2PI_E = 0.5 * Math.log(2 * Math.PI * Math.E);

/** A model with a scalar latent whose log joint tfjs can evaluate (and differentiate) elementwise. */
export interface ScalarLatentModelTf {
  name: string;
  /** log p(x, z) for every element of `z` (any shape). */
  logJoint(z: tf.Tensor): tf.Tensor;
}

export interface NormalObsParams {
  /** Prior mean and sd of z. */
  mu0: number;
  tau0: number;
  /** Observation noise sd. */
  sigma: number;
  /** Observations x_1…x_n. */
  x: ArrayLike<number>;
}

/**
 * Builds log p(x, z) = log N(z; μ0, τ0²) + Σ_i log N(x_i; g(z), σ²) through centred
 * sufficient statistics (x̄, Σ(x_i − x̄)²), computed in float64, so float32 sees no
 * cancellation: Σ(x_i − g)² = Σ(x_i − x̄)² + n(x̄ − g)².
 */
function normalObsModel(name: string, p: NormalObsParams, g: (z: tf.Tensor) => tf.Tensor): ScalarLatentModelTf {
  const n = p.x.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += p.x[i];
  mean /= n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (p.x[i] - mean) ** 2;
  const s2 = p.sigma * p.sigma;
  const c = -Math.log(p.tau0) - HALF_LOG_2PI - n * (Math.log(p.sigma) + HALF_LOG_2PI) - (0.5 * ss) / s2;
  const t2 = p.tau0 * p.tau0;
  return {
    name,
    logJoint: (z) =>
      tf.tidy(() =>
        tf.add(
          c,
          tf.add(
            tf.mul(-0.5 / t2, tf.square(tf.sub(z, p.mu0))),
            tf.mul((-0.5 * n) / s2, tf.square(tf.sub(mean, g(z)))),
          ),
        ),
      ),
  };
}

/** `normal-normal`: z ~ N(μ0, τ0²), x_i | z ~ N(z, σ²). Conjugate: exact posterior and log p(x) known. */
export function normalNormalTf(p: NormalObsParams): ScalarLatentModelTf {
  return normalObsModel("normal-normal", p, (z) => z);
}

/** `squared-normal`: z ~ N(μ0, τ0²), x_i | z ~ N(z², σ²). With μ0 = 0 the posterior has two modes ±√x̄. */
export function squaredNormalTf(p: NormalObsParams): ScalarLatentModelTf {
  return normalObsModel("squared-normal", p, (z) => tf.square(z));
}

/** Parameters of q(z) = N(mean, exp(logSd)²). */
export interface GaussianQ {
  mean: number;
  logSd: number;
}

export type GradientEstimator = "reparam" | "stl" | "score" | "score-baseline";

/** Copies of q's parameters outside the gradient tape, for the stopped gradient of "stl". */
interface StoppedQ {
  m: tf.Tensor;
  s: tf.Tensor;
}

/**
 * For m, s of shape [R, 1] and ε of shape [R, S], a pair (objective [R], elbo [R]) where
 * ∂objective_r/∂(m_r, s_r) is the chosen estimator's gradient and elbo_r an ELBO estimate.
 * Score-function terms use z and weights computed outside the gradient tape (constants).
 */
function estimatorObjective(
  model: ScalarLatentModelTf,
  estimator: GradientEstimator,
  m: tf.Tensor,
  s: tf.Tensor,
  eps: tf.Tensor,
  zConst: tf.Tensor | null,
  wConst: tf.Tensor | null,
  stopped: StoppedQ | null = null,
): tf.Tensor {
  if (estimator === "reparam") {
    const z = tf.add(m, tf.mul(tf.exp(s), eps));
    return tf.add(tf.mean(model.logJoint(z), 1), tf.add(tf.reshape(s, [-1]), HALF_LOG_2PI_E));
  }
  if (estimator === "stl") {
    // z carries the gradient to (m, s); log q(z) sees them only through z (its own m, s are stopped).
    const z = tf.add(m, tf.mul(tf.exp(s), eps));
    const logQ = tf.sub(tf.mul(-0.5, tf.square(tf.div(tf.sub(z, stopped!.m), tf.exp(stopped!.s)))), tf.add(stopped!.s, HALF_LOG_2PI));
    return tf.mean(tf.sub(model.logJoint(z), logQ), 1);
  }
  // log q(z) = −½((z − m)/e^s)² − s − ½ log 2π, differentiated in (m, s) with z fixed.
  const logQ = tf.sub(tf.mul(-0.5, tf.square(tf.div(tf.sub(zConst!, m), tf.exp(s)))), tf.add(s, HALF_LOG_2PI));
  return tf.mean(tf.mul(wConst!, logQ), 1);
}

/** Draws for the score estimators: z (constant), f = log p − log q, and the weights f − b. */
function scoreConstants(
  model: ScalarLatentModelTf,
  estimator: GradientEstimator,
  m: tf.Tensor,
  s: tf.Tensor,
  eps: tf.Tensor,
): { z: tf.Tensor; w: tf.Tensor; elbo: tf.Tensor } {
  return tf.tidy(() => {
    const z = tf.add(m, tf.mul(tf.exp(s), eps));
    const logQ = tf.sub(tf.mul(-0.5, tf.square(eps)), tf.add(s, HALF_LOG_2PI));
    const f = tf.sub(model.logJoint(z), logQ);
    const S = eps.shape[1] as number;
    let w = f;
    if (estimator === "score-baseline") {
      if (S < 2) throw new Error("score-baseline needs at least 2 samples per estimate");
      const b = tf.div(tf.sub(tf.sum(f, 1, true), f), S - 1); // leave-one-out mean
      w = tf.sub(f, b);
    }
    return { z, w, elbo: tf.mean(f, 1) };
  });
}

/**
 * R independent gradient estimates of ∇ELBO at fixed q, each from `samples` draws — for
 * comparing estimators' variance. Returns Float64Arrays of length `repeats` and the mean
 * ELBO estimate.
 *
 * @example
 * const g = gradientEstimates(model, { mean: 0, logSd: 0 }, "score", { repeats: 1000, samples: 10, seed: 1 });
 * // sample variance of g.dMean is much larger than for "reparam"
 */
export function gradientEstimates(
  model: ScalarLatentModelTf,
  q: GaussianQ,
  estimator: GradientEstimator,
  options: { repeats?: number; samples?: number; seed?: number } = {},
): { dMean: Float64Array; dLogSd: Float64Array; elbo: number } {
  checkBackendChosen();
  const R = options.repeats ?? 1000;
  const S = options.samples ?? 1;
  const seed = options.seed ?? 1;
  const [gm, gs, elbo] = tf.tidy(() => {
    const m = tf.fill([R, 1], q.mean);
    const s = tf.fill([R, 1], q.logSd);
    const eps = tf.randomNormal([R, S], 0, 1, "float32", seed);
    const consts = estimator === "reparam" || estimator === "stl" ? null : scoreConstants(model, estimator, m, s, eps);
    const stopped = estimator === "stl" ? { m: tf.fill([R, 1], q.mean), s: tf.fill([R, 1], q.logSd) } : null;
    const f = (mm: tf.Tensor, ss: tf.Tensor) =>
      tf.sum(estimatorObjective(model, estimator, mm, ss, eps, consts?.z ?? null, consts?.w ?? null, stopped));
    const [dm, ds] = tf.grads(f)([m, s]);
    const e = consts ? tf.mean(consts.elbo) : tf.div(f(m, s), R);
    return [dm, ds, e];
  });
  const out = {
    dMean: Float64Array.from(gm.dataSync()),
    dLogSd: Float64Array.from(gs.dataSync()),
    elbo: elbo.dataSync()[0],
  };
  tf.dispose([gm, gs, elbo]);
  return out;
}

/**
 * Monte Carlo ELBO of q: mean over draws of log p(x, z) − log q(z) (no closed-form entropy,
 * so at the exact posterior every term equals log p(x) and the estimate has zero variance).
 */
export function elboGaussianMC(model: ScalarLatentModelTf, q: GaussianQ, options: { samples?: number; seed?: number } = {}): number {
  checkBackendChosen();
  const S = options.samples ?? 10000;
  const t = tf.tidy(() => {
    const eps = tf.randomNormal([S], 0, 1, "float32", options.seed ?? 2);
    const z = tf.add(q.mean, tf.mul(Math.exp(q.logSd), eps));
    const logQ = tf.sub(tf.mul(-0.5, tf.square(eps)), q.logSd + HALF_LOG_2PI);
    return tf.sub(model.logJoint(z), logQ);
  });
  // Average in float64: a float32 running sum of 10⁵ terms near −12 drifts by ~10⁻³ nats.
  const v = t.dataSync();
  t.dispose();
  let sum = 0;
  for (let i = 0; i < v.length; i++) sum += v[i];
  return sum / v.length;
}

export interface FitGaussianVIOptions {
  init?: GaussianQ;
  estimator?: GradientEstimator;
  steps?: number;
  /** Draws per gradient estimate (default 16). */
  samples?: number;
  learningRate?: number;
  seed?: number;
  /**
   * The reported q averages the iterates of the last `averageFraction` of the steps
   * (Polyak–Ruppert averaging; default 0.2) — a constant-step Adam jitters around the optimum
   * by about the noise of its gradient. 0 reports the last iterate.
   */
  averageFraction?: number;
  onStep?: (info: { step: number; mean: number; logSd: number; elbo: number }) => void;
}

export interface GaussianVIResult {
  /** The reported q (averaged iterates, see `averageFraction`). */
  q: GaussianQ & { sd: number };
  /** The last iterate. */
  last: GaussianQ;
  /** Per step: parameters before the update and that step's ELBO estimate. */
  history: { step: number; mean: number; logSd: number; elbo: number }[];
  estimator: GradientEstimator;
}

/** Adam (`tf.train.adam`) on the ELBO of q = N(m, e^{2s}) with the chosen gradient estimator. */
export function fitGaussianVI(model: ScalarLatentModelTf, options: FitGaussianVIOptions = {}): GaussianVIResult {
  checkBackendChosen();
  const estimator = options.estimator ?? "reparam";
  const steps = options.steps ?? 2000;
  const S = options.samples ?? 16;
  const init = options.init ?? { mean: 0, logSd: 0 };
  const rng = createRng(options.seed ?? 1);
  const optimizer = tf.train.adam(options.learningRate ?? 0.05);
  // tf.variable shares the initial tensor's data; free the initial tensors right away.
  const [m, s] = [init.mean, init.logSd].map((v) => {
    const t = tf.tensor2d([[v]]);
    const variable = tf.variable(t, true);
    t.dispose();
    return variable;
  });
  const history: GaussianVIResult["history"] = [];
  const avgFrom = Math.floor(steps * (1 - (options.averageFraction ?? 0.2)));
  let sumM = 0;
  let sumS = 0;
  let count = 0;
  try {
    for (let step = 0; step < steps; step++) {
      const seed = rng.nextUint32();
      const mv = m.dataSync()[0];
      const sv = s.dataSync()[0];
      const elboT = tf.tidy(() => {
        const eps = tf.randomNormal([1, S], 0, 1, "float32", seed);
        const consts = estimator === "reparam" || estimator === "stl" ? null : scoreConstants(model, estimator, m, s, eps);
        const stopped = estimator === "stl" ? { m: tf.tensor2d([[mv]]), s: tf.tensor2d([[sv]]) } : null;
        let elbo: tf.Tensor | null = consts ? tf.keep(consts.elbo) : null;
        optimizer.minimize(() => {
          const obj = estimatorObjective(model, estimator, m, s, eps, consts?.z ?? null, consts?.w ?? null, stopped);
          if (!consts) elbo = tf.keep(tf.clone(obj));
          return tf.neg(tf.sum(obj)) as tf.Scalar;
        }, false, [m, s]);
        return elbo as unknown as tf.Tensor;
      });
      // m and s were read (for the draws) before this step's update.
      const e = elboT.dataSync()[0];
      elboT.dispose();
      history.push({ step, mean: mv, logSd: sv, elbo: e });
      options.onStep?.(history[history.length - 1]);
      if (step >= avgFrom) {
        sumM += mv;
        sumS += sv;
        count++;
      }
    }
    const last = { mean: m.dataSync()[0], logSd: s.dataSync()[0] };
    const q = count > 0 ? { mean: sumM / count, logSd: sumS / count } : last;
    return { q: { ...q, sd: Math.exp(q.logSd) }, last, history, estimator };
  } finally {
    m.dispose();
    s.dispose();
    optimizer.dispose();
  }
}
