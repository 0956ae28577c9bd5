import { createRng } from "../random/rng";
import { elboParts } from "../elbo/elbo-parts";
import { mcElbo } from "../estimators/mc-elbo";
import { iwaeBound } from "../estimators/iwae";
import { SquaredNormalModel } from "../models/squared-normal";
import { SpecError } from "./spec-error";
import { untrustedReason } from "./trust";
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
  /**
   * The Monte Carlo ELBO, or, when it cannot be trusted (see {@link untrustedReason}), the reason
   * instead of a number.
   */
  mc: ({ trusted: true; elbo: number; stderr: number } | { trusted: false; reason: string }) & { samples: number; seed: number };
  /** One entry per K: ⌊samples/K⌋ groups of K draws (K ≤ samples/2); the estimate or why it is not shown. */
  iwae: Array<({ trusted: true; estimate: number; stderr: number } | { trusted: false; reason: string }) & { k: number; groups: number }>;
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
  const mcRaw = mcElbo(model, q, base.fork(), spec.samples);
  const mcWhy = untrustedReason(mcRaw.estimate, mcRaw.stderr, parts.elbo, parts.elbo, "the exact ELBO");
  const mc: EvaluateResult["mc"] =
    mcWhy === undefined
      ? { trusted: true, elbo: mcRaw.estimate, stderr: mcRaw.stderr, samples: mcRaw.n, seed: spec.seed }
      : { trusted: false, reason: mcWhy, samples: mcRaw.n, seed: spec.seed };
  const iwae = spec.iwaeK.map((k): EvaluateResult["iwae"][number] => {
    const groups = Math.floor(spec.samples / k);
    const r = iwaeBound(model, q, base.fork(), k, groups);
    const why = untrustedReason(r.estimate, r.stderr, parts.elbo, parts.logEvidence, "[ELBO, log p(x)]");
    return why === undefined ? { trusted: true, k, estimate: r.estimate, stderr: r.stderr, groups } : { trusted: false, k, reason: why, groups };
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
  const result: EvaluateResult = {
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
    mc,
    iwae,
    identities: {
      "logEvidence - (elbo + klToPosterior)": parts.logEvidence - (parts.elbo + parts.klToPosterior),
      "elbo - (expectedLogJoint + entropy)": parts.elbo - (parts.expectedLogJoint + parts.entropy),
      "elbo - (expectedLogLik - klToPrior)": parts.elbo - (parts.expectedLogLik - parts.klToPrior),
    },
  };
  requireFiniteExact(result);
  return result;
}

/**
 * The last guard: the exact parts are closed forms or quadratures that the ranges of checkRanges
 * keep finite; should one still be ±Infinity or NaN, the spec is refused (exit 2) with the
 * quantity named, rather than printed as a number or `null`.
 */
function requireFiniteExact(r: EvaluateResult): void {
  const exact: Array<[string, number]> = [
    ["log p(x)", r.logEvidence],
    ["the ELBO", r.elbo],
    ["KL(q || p(z|x))", r.klToPosterior],
    ["E_q[log p(x|z)]", r.expectedLogLik],
    ["KL(q || p(z))", r.klToPrior],
    ["E_q[log p(x,z)]", r.expectedLogJoint],
    ["H[q]", r.entropy],
    ...Object.entries(r.posterior).filter((e): e is [string, number] => typeof e[1] === "number").map(([k, v]): [string, number] => [`the posterior's ${k}`, v]),
    ...(r.posterior.kind === "no-closed-form" ? r.posterior.modes.map((v, i): [string, number] => [`posterior mode ${i}`, v]) : []),
    ...Object.entries(r.identities),
  ];
  for (const [name, v] of exact) {
    if (!Number.isFinite(v)) {
      throw new SpecError("model", `for this spec ${name} is ${v} in double precision: the model's and q's parameters are too far apart in scale for the exact evaluation`);
    }
  }
}
