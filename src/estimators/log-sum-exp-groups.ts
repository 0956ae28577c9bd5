import { logSumExp } from "../math/logsumexp";

// exp by Tang's table-driven method, for arguments in [−708, 0] (the terms x − max of a
// logSumExp). Write x = n·L + r with n = round(x/L), L = ln 2/64 and |r| ≤ L/2 ≈ 0.0054; then
// exp(x) = 2^⌊n/64⌋ · 2^((n mod 64)/64) · exp(r). The first factor is an exact power of two, the
// second a table entry, and exp(r) − 1 = r + r²/2 + … + r⁵/120 truncated after r⁵ (the first
// omitted term, r⁶/720 < 3.5e−17, is a third of an ulp of 1). L is split into L_HI, whose 36
// significant bits make n·L_HI exact for |n| < 2¹⁷, and L_LO, the rest of ln 2/64 including the
// part of ln 2 a double cannot hold (ln 2 − Math.LN2 = 2.3190468138462996e−17), so r is accurate
// to an ulp of r. Measured against Math.exp: at most 2 ulp apart, equal on ~70 % of arguments.
const L_HI = Math.round(Math.LN2 * 2 ** 36) / 2 ** 42;
const L_LO = (Math.LN2 - 64 * L_HI + 2.3190468138462996e-17) / 64;
const INV_L = 64 / Math.LN2;
/** 1.5·2⁵²: adding it rounds a double of magnitude < 2⁵¹ to an integer (ties to even). */
const ROUNDER = 6755399441055744;
/** 2^(j/64), j = 0…63. */
const EXP2_FRAC = new Float64Array(64);
/** 2^(−k), k = 0…1022, exact. */
const EXP2_NEG = new Float64Array(1023);
for (let j = 0; j < 64; j++) EXP2_FRAC[j] = Math.pow(2, j / 64);
EXP2_NEG[0] = 1;
for (let k = 1; k < 1023; k++) EXP2_NEG[k] = EXP2_NEG[k - 1] * 0.5;

/**
 * exp(x) for x in [−708, 0], about 3× faster than Math.exp in a loop and within 2 ulp of it
 * (≤ 4.4e−16 relative); other arguments (positive, below −708 where the result leaves the
 * normal range, NaN) go to Math.exp. The kernel of {@link logSumExpGroups}, exported to be
 * tested on its own.
 *
 * @example expNonPositive(-1) // 0.36787944117144233 (Math.exp(-1) is 0.36787944117144233)
 */
export function expNonPositive(x: number): number {
  return x >= -708 && x <= 0 ? expKernel(x) : Math.exp(x);
}

/** The unchecked kernel: x must be in [−708, 0] (then 2^⌊n/64⌋ ≥ 2⁻¹⁰²² and the result is normal). */
function expKernel(x: number): number {
  const nd = x * INV_L + ROUNDER - ROUNDER;
  const n = nd | 0;
  const r = x - nd * L_HI - nd * L_LO;
  const p = r + r * r * (0.5 + r * (1 / 6 + r * (1 / 24 + r * (1 / 120))));
  const t = EXP2_FRAC[n & 63];
  return EXP2_NEG[-(n >> 6)] * (t + t * p);
}

/**
 * out[j] = logSumExp(xs[j·k], …, xs[j·k + k − 1]) for j = 0 … out.length − 1: the per-group
 * log-sum-exp of consecutive groups of k values, as the importance-weighted bound needs.
 *
 * The same arrangement as {@link logSumExp} — the group maximum m taken out, the other terms
 * exp(xᵢ − m) added with Neumaier compensation, m + log1p(sum) — with exp from
 * {@link expNonPositive}'s kernel instead of Math.exp; results agree with logSumExp to a few
 * ulp. A group holding NaN or ±Infinity, or spread wider than 708 (where terms leave the normal
 * range), is passed to logSumExp itself, so every edge case behaves exactly as there.
 *
 * Edge cases: k must be an integer ≥ 1 and xs must hold out.length·k values (RangeError
 * otherwise).
 *
 * @example logSumExpGroups(Float64Array.of(0, 0, 1000, 1000), 2, new Float64Array(2)) // Float64Array [0.6931471805599453, 1000.6931471805599]
 */
export function logSumExpGroups(xs: Float64Array, k: number, out: Float64Array): Float64Array {
  if (!(Number.isInteger(k) && k >= 1)) throw new RangeError(`logSumExpGroups: k must be an integer >= 1, got ${k}`);
  if (xs.length < out.length * k) {
    throw new RangeError(`logSumExpGroups: ${out.length} groups of ${k} need ${out.length * k} values, got ${xs.length}`);
  }
  for (let j = 0; j < out.length; j++) {
    const start = j * k;
    const end = start + k;
    let m = xs[start];
    let lo = m;
    let top = start;
    for (let i = start + 1; i < end; i++) {
      const x = xs[i];
      if (x > m) {
        m = x;
        top = i;
      } else if (x < lo) lo = x;
    }
    // NaN fails both comparisons below; ±Infinity makes m − lo infinite or NaN
    if (!(m - lo <= 708)) {
      out[j] = logSumExp(xs.subarray(start, end));
      continue;
    }
    let s = 0;
    let c = 0;
    for (let i = start; i < end; i++) {
      if (i === top) continue;
      const t = expKernel(xs[i] - m);
      const u = s + t;
      c += s >= t ? s - u + t : t - u + s;
      s = u;
    }
    out[j] = m + Math.log1p(s + c);
  }
  return out;
}
