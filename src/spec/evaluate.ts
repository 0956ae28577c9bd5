import { createRng } from "../random/rng";
import { elboParts } from "../elbo/elbo-parts";
import { mcElbo } from "../estimators/mc-elbo";
import { iwaeBound } from "../estimators/iwae";
import { SquaredNormalModel } from "../models/squared-normal";
import { modelFromSpec, qFromSpec, validateEvaluateSpec, type EvaluateSpec, type QSpec, type ScalarModelSpec } from "./spec";

/** What `elbo-lab evaluate --json` prints. */
export interface EvaluateResult {
  model: ScalarModelSpec;
  q: QSpec;
  logEvidence: number;
  elbo: number;
  klToPosterior: number;
  expectedLogLik: number;
  klToPrior: number;
  expectedLogJoint: number;
  entropy: number;
  /** "closed-form", "closed-form+quadrature" or "quadrature". */
  method: string;
  /** Posterior parameters where closed form; otherwise modes and quadrature moments. */
  posterior:
    | { kind: "normal"; mean: number; sd: number }
    | { kind: "beta"; a: number; b: number }
    | { kind: "no-closed-form"; modes: number[]; mean: number; sd: number; logEvidenceRelError: number };
  /** The Monte Carlo ELBO. */
  mc: { elbo: number; stderr: number; samples: number; seed: number };
  /** One entry per K: groups = max(2, ⌊samples/K⌋) groups of K draws. */
  iwae: Array<{ k: number; estimate: number; stderr: number; groups: number }>;
  /** The identities, evaluated: each should be ~1e−15 relative to the numbers involved. */
  identities: {
    "logEvidence - (elbo + klToPosterior)": number;
    "elbo - (expectedLogJoint + entropy)": number;
    "elbo - (expectedLogLik - klToPrior)": number;
  };
}

/**
 * Evaluates a spec: every ELBO part exactly (elboParts), the Monte Carlo ELBO and the IWAE bound
 * for each K, all seeded from `seed` (the MC estimate and each K get their own forked stream, in
 * order, so a result does not change when K values are added after it).
 *
 * @example evaluateSpec({ model: { kind: "normal-normal", priorMean: 0, priorSd: 1, noiseSd: 0.5, data: [0.8, 1.1] }, q: { kind: "normal", mean: 0.3, sd: 0.4 } }).logEvidence // -2.0413061050686756
 */
export function evaluateSpec(input: EvaluateSpec | unknown): EvaluateResult {
  const spec = validateEvaluateSpec(input);
  const model = modelFromSpec(spec.model);
  const q = qFromSpec(spec.q);
  const parts = elboParts(model, q);
  const base = createRng(spec.seed);
  const mc = mcElbo(model, q, base.fork(), spec.samples);
  const iwae = spec.iwaeK.map((k) => {
    const groups = Math.max(2, Math.floor(spec.samples / k));
    const r = iwaeBound(model, q, base.fork(), k, groups);
    return { k, estimate: r.estimate, stderr: r.stderr, groups };
  });
  let posterior: EvaluateResult["posterior"];
  if (model instanceof SquaredNormalModel) {
    const mom = model.posteriorMoments();
    posterior = {
      kind: "no-closed-form",
      modes: model.posteriorPeaks().map((p) => p.at),
      mean: mom.mean,
      sd: Math.sqrt(mom.variance),
      logEvidenceRelError: model.evidenceQuadrature().relError,
    };
  } else {
    posterior = model.posterior.toJSON();
  }
  return {
    model: spec.model,
    q: spec.q,
    logEvidence: parts.logEvidence,
    elbo: parts.elbo,
    klToPosterior: parts.klToPosterior,
    expectedLogLik: parts.expectedLogLik,
    klToPrior: parts.klToPrior,
    expectedLogJoint: parts.expectedLogJoint,
    entropy: parts.entropy,
    method: parts.method,
    posterior,
    mc: { elbo: mc.estimate, stderr: mc.stderr, samples: mc.n, seed: spec.seed },
    iwae,
    identities: {
      "logEvidence - (elbo + klToPosterior)": parts.logEvidence - (parts.elbo + parts.klToPosterior),
      "elbo - (expectedLogJoint + entropy)": parts.elbo - (parts.expectedLogJoint + parts.entropy),
      "elbo - (expectedLogLik - klToPrior)": parts.elbo - (parts.expectedLogLik - parts.klToPrior),
    },
  };
}
