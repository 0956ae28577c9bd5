/** Options of {@link nelderMeadMax}. */
export interface NelderMeadOptions {
  /** Initial simplex step along each coordinate (default 0.1 per coordinate, or a per-coordinate array). */
  step?: number | ArrayLike<number>;
  /** Stop when the simplex's values span less than ftol·(|best| + 1e-300)… (default 1e-14) … */
  ftol?: number;
  /** …and its vertices lie within xtol of the best one in every coordinate (default 1e-10). */
  xtol?: number;
  maxEvaluations?: number;
}

export interface NelderMeadResult {
  x: number[];
  fx: number;
  evaluations: number;
  converged: boolean;
}

/**
 * Maximises f: ℝᵈ → ℝ by the Nelder–Mead simplex method (reflection 1, expansion 2, contraction ½,
 * shrink ½; Lagarias et al. 1998), without derivatives. Suited to small, smooth problems such as
 * fitting a two-parameter q; it finds a local maximum near the start.
 *
 * Edge cases: an empty or non-finite start throws a RangeError naming it; NaN values of f are treated
 * as −∞ (the simplex moves away from them).
 *
 * @example nelderMeadMax(([x, y]) => -((x - 1) ** 2) - 10 * (y + 2) ** 2, [0, 0]).x // ≈ [1, -2]
 */
export function nelderMeadMax(f: (x: number[]) => number, start: ArrayLike<number>, options: NelderMeadOptions = {}): NelderMeadResult {
  const d = start.length;
  if (d === 0) throw new RangeError("nelderMeadMax: the start point is empty");
  for (let j = 0; j < d; j++) if (!Number.isFinite(start[j])) throw new RangeError(`nelderMeadMax: start[${j}] must be finite, got ${start[j]}`);
  const ftol = options.ftol ?? 1e-14;
  const xtol = options.xtol ?? 1e-10;
  const maxEvaluations = options.maxEvaluations ?? 20_000 * d;
  let evaluations = 0;
  const val = (x: number[]): number => {
    evaluations++;
    const v = f(x);
    return Number.isNaN(v) ? -Infinity : v;
  };
  const stepOf = (j: number): number => {
    const s = options.step;
    if (s === undefined) return 0.1;
    return typeof s === "number" ? s : s[j];
  };
  // vertices sorted best (largest f) first
  let pts: number[][] = [Array.from(start)];
  for (let j = 0; j < d; j++) {
    const p = Array.from(start);
    p[j] += stepOf(j);
    pts.push(p);
  }
  let fs = pts.map(val);
  const sort = () => {
    const idx = fs.map((_, i) => i).sort((a, b) => fs[b] - fs[a]);
    pts = idx.map((i) => pts[i]);
    fs = idx.map((i) => fs[i]);
  };
  sort();
  let converged = false;
  while (evaluations < maxEvaluations) {
    const spanF = fs[0] - fs[d];
    let spanX = 0;
    for (let i = 1; i <= d; i++) for (let j = 0; j < d; j++) spanX = Math.max(spanX, Math.abs(pts[i][j] - pts[0][j]));
    if (spanF <= ftol * (Math.abs(fs[0]) + 1e-300) && spanX <= xtol) {
      converged = true;
      break;
    }
    const centroid = new Array<number>(d).fill(0);
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) centroid[j] += pts[i][j] / d;
    const along = (t: number) => centroid.map((c, j) => c + t * (pts[d][j] - c));
    const xr = along(-1);
    const fr = val(xr);
    if (fr > fs[0]) {
      const xe = along(-2);
      const fe = val(xe);
      if (fe > fr) { pts[d] = xe; fs[d] = fe; } else { pts[d] = xr; fs[d] = fr; }
    } else if (fr > fs[d - 1]) {
      pts[d] = xr;
      fs[d] = fr;
    } else {
      const outside = fr > fs[d];
      const xc = along(outside ? -0.5 : 0.5);
      const fc = val(xc);
      if (fc > (outside ? fr : fs[d])) {
        pts[d] = xc;
        fs[d] = fc;
      } else {
        for (let i = 1; i <= d; i++) {
          pts[i] = pts[i].map((v, j) => pts[0][j] + 0.5 * (v - pts[0][j]));
          fs[i] = val(pts[i]);
        }
      }
    }
    sort();
  }
  return { x: pts[0], fx: fs[0], evaluations, converged };
}
