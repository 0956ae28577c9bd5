import { HALF_LOG_2PI } from "../math/constants";
import type { QuadraticLogWeights } from "./log-weights";

/**
 * The exact probability density of the log importance weight ln w = a + bε + cε², ε ~ N(0, 1)
 * (the form {@link quadraticLogWeights} gives for a Normal q on a model with a quadratic log-joint).
 *
 * Completing the square, ln w = M + c·t² with M = a − b²/(4c) and t = ε + δ ~ N(δ, 1), δ = b/(2c).
 * For y on the side of M that c points to, v = (y − M)/c ≥ 0 and t² = v has the two roots ±√v, so
 *
 *   f(y) = [φ(√v − δ) + φ(√v + δ)] / (2√v·|c|),
 *
 * with φ the standard normal density; f = 0 on the other side of M, and f has an integrable 1/√
 * singularity at y = M. When c = 0 (q as wide as the posterior), ln w = a + bε is N(a, b²).
 *
 * Edge cases: b = c = 0 (q is the posterior: ln w is the constant a = ln p(x)) throws a RangeError,
 * since there is no density; non-finite coefficients throw too.
 *
 * @example logWeightDensity({ a: 0, b: 0, c: -0.5 })(-0.5) // 0.48394144903828673 (ln w = −ε²/2: a χ²₁ scaled by −½, f(−½) = 2·χ²₁(1))
 */
export function logWeightDensity(w: QuadraticLogWeights): (y: number) => number {
  const { a, b, c } = w;
  for (const [k, v] of [["a", a], ["b", b], ["c", c]] as const) {
    if (!Number.isFinite(v)) throw new RangeError(`logWeightDensity: ${k} must be a finite number, got ${v}`);
  }
  if (c === 0) {
    if (b === 0) throw new RangeError("logWeightDensity: b = c = 0, ln w is the constant a (q is the posterior): no density");
    const sd = Math.abs(b);
    return (y) => {
      const u = (y - a) / sd;
      return Math.exp(-0.5 * u * u - HALF_LOG_2PI) / sd;
    };
  }
  const M = a - (b * b) / (4 * c);
  const delta = b / (2 * c);
  const absC = Math.abs(c);
  return (y) => {
    const v = (y - M) / c;
    if (!(v >= 0)) return 0;
    if (v === 0) return Infinity;
    const r = Math.sqrt(v);
    const phi = (t: number) => Math.exp(-0.5 * t * t - HALF_LOG_2PI);
    return (phi(r - delta) + phi(r + delta)) / (2 * r * absC);
  };
}

/** The end of ln w's range: its maximum M = a − b²/(4c) when c < 0, its minimum when c > 0 (undefined when c = 0). */
export function logWeightExtreme(w: QuadraticLogWeights): number | undefined {
  return w.c === 0 ? undefined : w.a - (w.b * w.b) / (4 * w.c);
}
