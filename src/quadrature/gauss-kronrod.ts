/**
 * The 7-point Gauss / 15-point Kronrod pair on [−1, 1] (QUADPACK's qk15 nodes and weights,
 * Piessens et al. 1983). The Kronrod rule is exact for polynomials of degree ≤ 22, the embedded
 * Gauss rule for degree ≤ 13; their difference estimates the error. Nodes are listed from the
 * outside in, the last one being 0; the Gauss nodes are XGK[1], XGK[3], XGK[5], XGK[7].
 */
export const XGK = Object.freeze([
  0.991455371120812639206854697526329, 0.949107912342758524526189684047851, 0.864864423359769072789712788640926,
  0.741531185599394439863864773280788, 0.586087235467691130294144845693013, 0.405845151377397166906606412076961,
  0.207784955007898467600689403773245, 0.0,
]);
/** Kronrod weights, matching {@link XGK}. */
export const WGK = Object.freeze([
  0.02293532201052922496373200805897, 0.063092092629978553290700663189204, 0.104790010322250183839876322541518,
  0.140653259715525918745189590510238, 0.16900472663926790282658342659855, 0.190350578064785409913256402421014,
  0.204432940075298892414161999234649, 0.209482141084727828012999174891714,
]);
/** Gauss weights for the nodes XGK[1], XGK[3], XGK[5], XGK[7] (= 0). */
export const WG = Object.freeze([
  0.129484966168869693270611432679082, 0.27970539148927666790146777142378, 0.381830050505118944950369775488975,
  0.417959183673469387755102040816327,
]);

/** Result of one 15-point panel. */
export interface PanelResult {
  /** Kronrod estimate of ∫_lo^hi g. */
  value: number;
  /** QUADPACK's error estimate for the panel. */
  error: number;
}

const EPMACH = Number.EPSILON;
const UFLOW = Number.MIN_VALUE;

/**
 * Applies the G7–K15 pair to g on [lo, hi] (15 evaluations, none at the end points), with
 * QUADPACK's error estimate: err = resasc·min(1, (200|K − G|/resasc)^{3/2}), floored at
 * 50·eps·∫|g| (the rounding error of the sum itself).
 *
 * @example gk15((x) => x * x, 0, 1).value // 0.3333333333333333 (exact up to rounding)
 */
export function gk15(g: (x: number) => number, lo: number, hi: number): PanelResult {
  const c = 0.5 * (lo + hi);
  const hl = 0.5 * (hi - lo);
  const fc = g(c);
  let resk = WGK[7] * fc;
  let resg = WG[3] * fc;
  let resabs = Math.abs(resk);
  const f1 = new Array<number>(7);
  const f2 = new Array<number>(7);
  for (let j = 0; j < 7; j++) {
    const dx = hl * XGK[j];
    const a = g(c - dx);
    const b = g(c + dx);
    f1[j] = a;
    f2[j] = b;
    resk += WGK[j] * (a + b);
    resabs += WGK[j] * (Math.abs(a) + Math.abs(b));
    if (j & 1) resg += WG[j >> 1] * (a + b);
  }
  const reskh = resk * 0.5;
  let resasc = WGK[7] * Math.abs(fc - reskh);
  for (let j = 0; j < 7; j++) resasc += WGK[j] * (Math.abs(f1[j] - reskh) + Math.abs(f2[j] - reskh));
  const ahl = Math.abs(hl);
  const value = resk * hl;
  resabs *= ahl;
  resasc *= ahl;
  let error = Math.abs((resk - resg) * hl);
  if (resasc !== 0 && error !== 0) error = resasc * Math.min(1, Math.pow((200 * error) / resasc, 1.5));
  if (resabs > UFLOW / (50 * EPMACH)) error = Math.max(EPMACH * 50 * resabs, error);
  return { value, error };
}
