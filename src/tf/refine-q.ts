/**
 * Refining a diagonal Gaussian q per data point by gradient ascent on that point's own ELBO, and
 * the Monte Carlo bounds at any such q: the tool of Cremer, Li & Duvenaud (2018), "Inference
 * Suboptimality in Variational Autoencoders", for splitting a VAE's inference gap
 *
 *   log p(x) − ELBO(q_φ(z|x)) = [log p(x) − ELBO(q*)]  +  [ELBO(q*) − ELBO(q_φ(z|x))]
 *                                 approximation gap          amortisation gap
 *
 * where q*(z) is the best diagonal Gaussian for this one x (here: the encoder's q refined by a few
 * dozen Adam steps), and log p(x) is estimated from below by the importance-weighted bound with
 * many draws.
 *
 * The model enters only through `logLik(z)` = log p(x_b | z) for a batch of latent points, and the
 * prior p(z) = N(0, I). Every row b of a `DiagGaussianQ` is its own q_b = N(μ_b, diag σ_b²) for
 * data point b; a batch of S draws for n points is laid out draw-major: row s·n + b is draw s of
 * point b.
 *
 *   ELBO_b(q_b) = E_{ε~N(0,I)}[log p(x_b | μ_b + σ_b ⊙ ε)] − KL(q_b ‖ N(0, I)),
 *   KL(q_b ‖ N(0, I)) = ½ Σ_d (μ_d² + σ_d² − 2 log σ_d − 1)   (closed form),
 *   L_K(q_b) = log (1/K) Σ_k p(x_b, z_k)/q_b(z_k),  z_k ~ q_b   (≤ log p(x_b) in expectation).
 *
 * `refineDiagGaussianQ` maximises Σ_b ELBO_b over all (μ_b, log σ_b) at once with Adam
 * (`PackedAdam`): the sum's gradient with respect to point b's parameters is ELBO_b's own, and
 * Adam's update is element-wise, so this is the same as refining every point separately. Each
 * step uses S fresh reparameterised draws from a seeded stream, so a refinement is reproducible.
 */
import * as tf from "@tensorflow/tfjs";
import { PackedAdam } from "./adam";
import { MNIST_PIXELS, type DigitSet } from "./mnist";
import { createRng } from "../random";
import { bernoulliLogLik, klDiagNormalStdNormal, vaeDecodeLogits, vaeEncode, type Vae } from "./vae";

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/** n diagonal Gaussians in `dim` dimensions: row b is N(mu[b·dim …], diag exp(2·logSd[b·dim …])). */
export interface DiagGaussianQ {
  n: number;
  dim: number;
  mu: Float32Array;
  logSd: Float32Array;
}

/**
 * log p(x_b | z) for a batch of latent points z [S·n, dim] (row s·n + b belongs to data point b),
 * returned as [S·n]. It is called inside `tf.tidy` and may be differentiated with respect to z.
 */
export type BatchLogLik = (z: tf.Tensor2D) => tf.Tensor1D;

export interface RefineQOptions {
  /** Adam steps (default 50). */
  steps?: number;
  /** Reparameterised draws per data point and step (default 8). */
  samples?: number;
  /** Adam's learning rate on μ and log σ (default 0.02). */
  learningRate?: number;
  /** Seed of the stream of draws (default 1). */
  seed?: number;
}

export interface RefineQResult {
  q: DiagGaussianQ;
  /** The mean over points of each step's ELBO estimate (its S draws, before the step's update). */
  trace: Float64Array;
}

function checkQ(q: DiagGaussianQ, where: string): void {
  if (!Number.isInteger(q.n) || q.n < 1 || !Number.isInteger(q.dim) || q.dim < 1) throw new Error(`${where}: q needs n ≥ 1 and dim ≥ 1, got n = ${q.n}, dim = ${q.dim}`);
  if (q.mu.length !== q.n * q.dim || q.logSd.length !== q.n * q.dim) {
    throw new Error(`${where}: q.mu and q.logSd must hold n·dim = ${q.n * q.dim} values, got ${q.mu.length} and ${q.logSd.length}`);
  }
}

function positiveInt(v: number, name: string, where: string): number {
  if (!Number.isInteger(v) || v < 1) throw new Error(`${where}: ${name} must be a positive integer, got ${v}`);
  return v;
}

/** Σ_b KL(q_b ‖ N(0, I)) as a tensor, from μ and log σ [n, dim] (the VAE's own KL, with log σ² = 2 log σ). */
function klSum(mu: tf.Tensor, logSd: tf.Tensor): tf.Scalar {
  return tf.sum(klDiagNormalStdNormal(mu, tf.mul(2, logSd)));
}

/** Per-point KL(q_b ‖ N(0, I)) in float64 (closed form). */
export function klDiagGaussianToStdNormal(q: DiagGaussianQ): Float64Array {
  const out = new Float64Array(q.n);
  for (let b = 0; b < q.n; b++) {
    let s = 0;
    for (let d = 0; d < q.dim; d++) {
      const m = q.mu[b * q.dim + d], ls = q.logSd[b * q.dim + d];
      s += 0.5 * (m * m + Math.exp(2 * ls) - 2 * ls - 1);
    }
    out[b] = s;
  }
  return out;
}

/**
 * Refines every q_b from `start` by `steps` Adam steps on its own ELBO (see the module comment).
 *
 * @example
 * const { q } = refineDiagGaussianQ(vaeLogLik(vae, images), vaeEncoderQ(vae, images), { steps: 50 });
 */
export function refineDiagGaussianQ(logLik: BatchLogLik, start: DiagGaussianQ, options: RefineQOptions = {}): RefineQResult {
  const where = "refineDiagGaussianQ";
  checkQ(start, where);
  const steps = options.steps ?? 50;
  if (!Number.isInteger(steps) || steps < 0) throw new Error(`${where}: steps must be an integer ≥ 0, got ${steps}`);
  const S = positiveInt(options.samples ?? 8, "samples", where);
  const lr = options.learningRate ?? 0.02;
  if (!(Number.isFinite(lr) && lr > 0)) throw new Error(`${where}: learningRate must be a finite number > 0, got ${lr}`);
  const { n, dim } = start;
  const rng = createRng(options.seed ?? 1);
  const adam = new PackedAdam([start.mu, start.logSd], { learningRate: lr, useWasm: false });
  const trace = new Float64Array(steps);
  try {
    for (let t = 0; t < steps; t++) {
      const seed = rng.nextUint32();
      const g = tf.tidy(() => {
        const mu = tf.tensor2d(adam.read(0), [n, dim]);
        const logSd = tf.tensor2d(adam.read(1), [n, dim]);
        const eps = tf.randomNormal([S, n, dim], 0, 1, "float32", seed);
        // −Σ_b ELBO_b, with the expectation as the mean over the S draws.
        const negElbo = (m: tf.Tensor, ls: tf.Tensor): tf.Scalar => {
          const z = tf.reshape(tf.add(m, tf.mul(tf.exp(ls), eps)), [S * n, dim]) as tf.Tensor2D;
          return tf.sub(klSum(m, ls), tf.div(tf.sum(logLik(z)), S)) as tf.Scalar;
        };
        const { value, grads } = tf.valueAndGrads(negElbo)([mu, logSd]);
        return [tf.div(tf.neg(value), n), grads[0], grads[1]];
      });
      trace[t] = g[0].dataSync()[0];
      adam.step([g[1], g[2]]);
      tf.dispose(g);
    }
    return { q: { n, dim, mu: adam.read(0), logSd: adam.read(1) }, trace };
  } finally {
    adam.dispose();
  }
}

/**
 * log w = log p(x_b | z) + log N(z; 0, I) − log q_b(z) for `draws` draws z = μ_b + σ_b ⊙ ε per
 * point, [n × draws] (row b holds point b's draws). `seed` fixes ε: the same seed gives the same
 * ε for any q of the same shape (common random numbers). Computed in chunks of at most `maxRows`
 * latent points per `logLik` call.
 */
function drawTerms(
  logLik: BatchLogLik, q: DiagGaussianQ, draws: number, seed: number, maxRows: number,
): { logLik: Float64Array; logW: Float64Array } {
  const { n, dim } = q;
  const ll = new Float64Array(n * draws);
  const lw = new Float64Array(n * draws);
  const chunk = Math.max(1, Math.floor(maxRows / n));
  const rng = createRng(seed);
  for (let s0 = 0; s0 < draws; s0 += chunk) {
    const S = Math.min(chunk, draws - s0);
    const chunkSeed = rng.nextUint32();
    const out = tf.tidy(() => {
      const mu = tf.tensor2d(q.mu, [n, dim]);
      const logSd = tf.tensor2d(q.logSd, [n, dim]);
      const eps = tf.randomNormal([S, n, dim], 0, 1, "float32", chunkSeed);
      const z = tf.add(mu, tf.mul(tf.exp(logSd), eps)); // [S, n, dim]
      const l = tf.reshape(logLik(tf.reshape(z, [S * n, dim]) as tf.Tensor2D), [S, n]);
      const logPz = tf.sub(tf.mul(-0.5, tf.sum(tf.square(z), -1)), dim * HALF_LOG_2PI);
      const logQz = tf.sub(tf.sub(tf.mul(-0.5, tf.sum(tf.square(eps), -1)), tf.sum(logSd, -1)), dim * HALF_LOG_2PI);
      return tf.stack([l, tf.sub(tf.add(l, logPz), logQz)]); // [2, S, n]
    });
    const v = out.dataSync();
    out.dispose();
    for (let s = 0; s < S; s++) {
      for (let b = 0; b < n; b++) {
        ll[b * draws + s0 + s] = v[s * n + b];
        lw[b * draws + s0 + s] = v[S * n + s * n + b];
      }
    }
  }
  return { logLik: ll, logW: lw };
}

export interface BoundOptions {
  /** Seed of the draws (default 17). The same seed gives the same ε for any q of the same shape. */
  seed?: number;
  /** Largest number of latent points per `logLik` call (default 4096). */
  maxRows?: number;
}

/**
 * Per-draw ELBO estimates at q: row b, column m holds log p(x_b | z_m) − KL(q_b ‖ N(0, I)),
 * z_m = μ_b + σ_b ⊙ ε_m ([n × draws], float64). Their row means are Monte Carlo ELBOs; two qs
 * evaluated with the same `seed` share ε, so the per-draw differences of the two give a paired
 * (common random numbers) estimate of their ELBO difference.
 */
export function elboDrawsAtQ(logLik: BatchLogLik, q: DiagGaussianQ, draws: number, options: BoundOptions = {}): Float64Array {
  checkQ(q, "elboDrawsAtQ");
  positiveInt(draws, "draws", "elboDrawsAtQ");
  const { logLik: ll } = drawTerms(logLik, q, draws, options.seed ?? 17, options.maxRows ?? 4096);
  const kl = klDiagGaussianToStdNormal(q);
  for (let b = 0; b < q.n; b++) for (let m = 0; m < draws; m++) ll[b * draws + m] -= kl[b];
  return ll;
}

/**
 * The importance-weighted bound L_K per point with proposal q_b: logSumExp_k(log w_k) − log K over
 * K draws (the sum in float64). L_K ≤ log p(x_b) in expectation and tends to it as K grows.
 */
export function iwaeAtQ(logLik: BatchLogLik, q: DiagGaussianQ, K: number, options: BoundOptions = {}): Float64Array {
  checkQ(q, "iwaeAtQ");
  positiveInt(K, "K", "iwaeAtQ");
  const { logW } = drawTerms(logLik, q, K, options.seed ?? 17, options.maxRows ?? 4096);
  const out = new Float64Array(q.n);
  for (let b = 0; b < q.n; b++) {
    let mx = -Infinity;
    for (let k = 0; k < K; k++) mx = Math.max(mx, logW[b * K + k]);
    let s = 0;
    for (let k = 0; k < K; k++) s += Math.exp(logW[b * K + k] - mx);
    out[b] = mx + Math.log(s) - Math.log(K);
  }
  return out;
}

/** The encoder's q(z | x) for every image of `set`, as a `DiagGaussianQ` (log σ = ½ log σ²). */
export function vaeEncoderQ(vae: Vae, set: DigitSet): DiagGaussianQ {
  const dim = vae.config.latentDim;
  const [mu, logSd] = tf.tidy(() => {
    const { mu: m, logVar } = vaeEncode(vae, tf.tensor2d(set.x, [set.n, MNIST_PIXELS]));
    return [m.dataSync() as Float32Array, tf.mul(0.5, logVar).dataSync() as Float32Array];
  });
  return { n: set.n, dim, mu: Float32Array.from(mu), logSd: Float32Array.from(logSd) };
}

/** The VAE decoder's log p(x_b | z) = Σ_j x_bj·l_j − softplus(l_j) for the images of `set`, as a `BatchLogLik`. */
export function vaeLogLik(vae: Vae, set: DigitSet): BatchLogLik {
  return (z: tf.Tensor2D) => {
    const S = z.shape[0] / set.n;
    if (!Number.isInteger(S)) throw new Error(`vaeLogLik: ${z.shape[0]} latent points is not a multiple of the ${set.n} images`);
    const x = tf.tensor2d(set.x, [set.n, MNIST_PIXELS]);
    return bernoulliLogLik(S === 1 ? x : tf.tile(x, [S, 1]), vaeDecodeLogits(vae, z)) as tf.Tensor1D;
  };
}
