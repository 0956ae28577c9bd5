import type { SquaredNormalModel } from "../models/squared-normal";
import type { BetaBernoulliSpec, NormalNormalSpec, SquaredNormalSpec } from "../models/types";
import { SpecError } from "./spec-error";

/** The parts of an evaluate spec whose numbers {@link checkRanges} looks at. */
export interface RangedSpec {
  model: NormalNormalSpec | SquaredNormalSpec | BetaBernoulliSpec;
  q: { kind: "normal"; mean: number; sd: number } | { kind: "beta"; a: number; b: number };
}

/**
 * The numeric range each model's evaluation handles in double precision, per kind of parameter.
 * Outside it some term of the exact ELBO or of ln p(x) overflows (to ±Infinity) or underflows
 * (to 0, then a log of 0), so the CLI refuses the spec with one line naming the field instead of
 * printing Infinity, NaN or an internal error.
 *
 * - normal-normal: every term is a ratio like (x − μ)²/σ² or (x̄ − m)²/σ²; with locations
 *   |v| ≤ 1e50 and scales in [1e−50, 1e50] each stays below (2e50)²/1e−100 = 4e200, n of them
 *   summed far below 1.8e308.
 * - squared-normal: the likelihood is quartic in z, (x̄ − z²)²/σ², and ln p(x) is a quadrature
 *   whose nodes are placed from the modes and widths; with locations ≤ 1e15 and scales in
 *   [1e−15, 1e15], z⁴/σ² ≤ 1e90 and the widths (σ²/n)^¼ stay representable with room for the
 *   quadrature's relative accuracy.
 * - beta-bernoulli: E_q[ln z] = ψ(a) − ψ(a+b) ≈ −1/a for small a, multiplied by (a₀ − 1 + heads);
 *   with shapes in [1e−100, 1e100] each product stays below 1e200.
 *
 * The bounds were chosen from these magnitudes and checked by the seeded fuzz in
 * `src/cli/fuzz.test.ts` (every spec inside them gives finite numbers whose identities hold).
 */
export const RANGES = {
  "normal-normal": { location: 1e50, scale: [1e-50, 1e50] as const, why: "beyond it (x − μ)²/σ² overflows a double or σ² underflows to 0" },
  "squared-normal": {
    location: 1e15,
    scale: [1e-15, 1e15] as const,
    why: "beyond it the quartic likelihood (x̄ − z²)²/σ² and the quadrature of log p(x) lose their double-precision range",
  },
  "beta-bernoulli": { shape: [1e-100, 1e100] as const, why: "beyond it E_q[log z] ≈ −1/a and ψ(a) terms overflow a double" },
};

function outside(field: string, v: number, lo: number, hi: number, kind: string, why: string): SpecError {
  return new SpecError(field, `${field} = ${v} is outside the range the ${kind} evaluation handles, [${lo}, ${hi}]: ${why}`);
}

/**
 * Throws a SpecError naming the first field of `spec` outside {@link RANGES} for its model kind.
 *
 * @example checkRanges({ model: { kind: "squared-normal", priorMean: 0, priorSd: 1e-300, noiseSd: 1, data: [1] }, q: { kind: "normal", mean: 0, sd: 1 } }) // throws "model.priorSd = 1e-300 is outside the range …"
 */
export function checkRanges(spec: RangedSpec): void {
  const m = spec.model;
  if (m.kind === "beta-bernoulli") {
    const r = RANGES[m.kind];
    const [lo, hi] = r.shape;
    const shapes: Array<[string, number]> = [
      ["model.priorA", m.priorA],
      ["model.priorB", m.priorB],
    ];
    if (spec.q.kind === "beta") shapes.push(["q.a", spec.q.a], ["q.b", spec.q.b]);
    for (const [f, v] of shapes) if (!(v >= lo && v <= hi)) throw outside(f, v, lo, hi, m.kind, r.why);
    return;
  }
  const r = RANGES[m.kind];
  const [lo, hi] = r.scale;
  const scales: Array<[string, number]> = [
    ["model.priorSd", m.priorSd],
    ["model.noiseSd", m.noiseSd],
  ];
  const locations: Array<[string, number]> = [["model.priorMean", m.priorMean], ...m.data.map((x, i): [string, number] => [`model.data[${i}]`, x])];
  if (spec.q.kind === "normal") {
    scales.push(["q.sd", spec.q.sd]);
    locations.push(["q.mean", spec.q.mean]);
  }
  for (const [f, v] of scales) if (!(v >= lo && v <= hi)) throw outside(f, v, lo, hi, m.kind, r.why);
  for (const [f, v] of locations) if (!(Math.abs(v) <= r.location)) throw outside(f, v, -r.location, r.location, m.kind, r.why);
}

/**
 * The smallest width, relative to its location, at which a quadrature can resolve a density: the
 * adaptive rule subdivides down to ~1e−4 of a peak's width and then needs distinct doubles
 * (spacing 1.1e−16 relative) across it, with room for its 1e−12 relative accuracy.
 */
export const MIN_RELATIVE_WIDTH = 1e-7;

/**
 * For squared-normal, where ln p(x) and KL(q ‖ p(z|x)) are quadratures: refuses (SpecError naming
 * the field) a posterior mode or a q narrower than {@link MIN_RELATIVE_WIDTH} of its location,
 * e.g. priorSd 1e−15 at priorMean 1e15, where neighbouring doubles are 0.125 apart and the
 * integrand cannot be sampled inside the peak.
 */
export function checkResolution(model: SquaredNormalModel, q: RangedSpec["q"]): void {
  const why = (w: number, at: number) =>
    `width ${w.toPrecision(3)} is below ${MIN_RELATIVE_WIDTH} of its location ${at.toPrecision(3)}, where double precision cannot resolve it, so the quadratures of log p(x) and KL(q || p(z|x)) cannot be trusted`;
  for (const p of model.posteriorPeaks()) {
    if (p.width < MIN_RELATIVE_WIDTH * Math.abs(p.at)) {
      const f = model.prior.sd <= p.width * (1 + 1e-12) ? "model.priorSd" : "model.noiseSd";
      const v = f === "model.priorSd" ? model.prior.sd : model.spec.noiseSd;
      throw new SpecError(f, `${f} = ${v} makes the posterior mode at ${p.at.toPrecision(3)} too narrow: ${why(p.width, p.at)}`);
    }
  }
  if (q.kind === "normal" && q.sd < MIN_RELATIVE_WIDTH * Math.abs(q.mean)) {
    throw new SpecError("q.sd", `q.sd = ${q.sd} is too small for q.mean = ${q.mean}: ${why(q.sd, q.mean)}`);
  }
}
