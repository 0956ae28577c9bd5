/** Result of {@link goldenSectionMax}. */
export interface GoldenSectionResult {
  /** The midpoint of the final bracket. */
  x: number;
  fx: number;
  /** Final bracket [lo, hi]: the maximiser lies inside if f is unimodal on the start bracket. */
  bracket: [number, number];
  evaluations: number;
}

const INV_PHI = (Math.sqrt(5) - 1) / 2;

/**
 * Maximises a unimodal f on [a, b] by golden-section search: each step keeps the part of the bracket
 * that must hold the maximum, shrinking it by 1/φ ≈ 0.618 per evaluation, until it is narrower than
 * xtol. The result is the final bracket's midpoint, within xtol/2 of the maximiser when f is unimodal
 * and evaluated exactly. (With rounding errors ε in f, no method locates a smooth maximum better than
 * about √(2ε/|f″|): the caller should not ask for less.)
 *
 * Edge cases: a ≥ b, non-finite bounds or xtol ≤ 0 throw a RangeError naming the value; a NaN value of
 * f throws, naming x.
 *
 * @example goldenSectionMax((x) => -(x - 1) * (x - 1), 0, 3, 1e-10).x // 1.0000000000 (to within 5e-11)
 */
export function goldenSectionMax(f: (x: number) => number, a: number, b: number, xtol: number): GoldenSectionResult {
  if (!(Number.isFinite(a) && Number.isFinite(b) && a < b)) throw new RangeError(`goldenSectionMax: need finite a < b, got [${a}, ${b}]`);
  if (!(Number.isFinite(xtol) && xtol > 0)) throw new RangeError(`goldenSectionMax: xtol must be a finite number > 0, got ${xtol}`);
  let evaluations = 0;
  const g = (x: number): number => {
    const v = f(x);
    evaluations++;
    if (Number.isNaN(v)) throw new RangeError(`goldenSectionMax: f is NaN at x = ${x}`);
    return v;
  };
  let lo = a;
  let hi = b;
  let x1 = hi - INV_PHI * (hi - lo);
  let x2 = lo + INV_PHI * (hi - lo);
  let f1 = g(x1);
  let f2 = g(x2);
  while (hi - lo > xtol) {
    if (f1 >= f2) {
      hi = x2;
      x2 = x1;
      f2 = f1;
      x1 = hi - INV_PHI * (hi - lo);
      f1 = g(x1);
    } else {
      lo = x1;
      x1 = x2;
      f1 = f2;
      x2 = lo + INV_PHI * (hi - lo);
      f2 = g(x2);
    }
  }
  const x = 0.5 * (lo + hi);
  return { x, fx: g(x), bracket: [lo, hi], evaluations };
}
