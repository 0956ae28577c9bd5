import { expm1mx } from "../math/expm1mx";
import type { Normal } from "../dists/normal";

/**
 * KL(q ‖ p) for two univariate Normals q = N(μq, σq²), p = N(μp, σp²), in nats:
 *
 *   KL = ½((μq − μp)/σp)² + ½(e^{2r} − 1 − 2r),   r = ln(σq/σp),
 *
 * which equals the textbook ln(σp/σq) + (σq² + (μq − μp)²)/(2σp²) − ½. The second form cancels
 * badly when σq ≈ σp (the terms are O(1), the result O(r²)); here r = log1p((σq − σp)/σp) (the
 * difference is exact for close scales; ln(σq/σp) otherwise) and e^{2r} − 1 − 2r comes from {@link expm1mx}, so the
 * result keeps full relative accuracy even for σq/σp = 1 + 1e−10 (TFP's `_kl_normal_normal`
 * does the same with expm1).
 *
 * Not symmetric: KL(q ‖ p) ≠ KL(p ‖ q) in general; the reverse is klNormalNormal(p, q).
 * Edge cases: q = p → exactly 0. Parameters are already validated by the Normal constructor.
 *
 * @example klNormalNormal(new Normal(0, 1), new Normal(1, 2)) // 0.4431471805599453
 * @example klNormalNormal(new Normal(0, 1 + 1e-10), new Normal(0, 1)) // 1.0000001654474155e-20 (= r², r = ln of the double nearest 1 + 1e-10; the textbook form returns rounding noise ~1e-17)
 */
export function klNormalNormal(q: Normal, p: Normal): number {
  const d = (q.mean - p.mean) / p.sd;
  // r = ln(σq/σp): through log1p of the exact difference when the scales are within a factor
  // 1.5 (where ln of a ratio near 1 would lose digits), through ln of the ratio otherwise (where
  // log1p near −1 would amplify the rounding of its argument).
  const t = (q.sd - p.sd) / p.sd;
  const r = Math.abs(t) < 0.5 ? Math.log1p(t) : Math.log(q.sd / p.sd);
  return 0.5 * d * d + 0.5 * expm1mx(2 * r);
}
