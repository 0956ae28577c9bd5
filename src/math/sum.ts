/**
 * Neumaier's compensated summation (Kahan–Babuška): Σᵢ xᵢ with an error bound of about
 * 2·eps·Σ|xᵢ| independent of the number of terms, instead of n·eps·Σ|xᵢ| for a plain loop.
 *
 * Where it matters: summing many terms of mixed sign or very different size — quadrature panel
 * sums, log-likelihoods over 10⁴ data points, sufficient statistics of data far from 0.
 *
 * Edge cases: empty → 0; any NaN → NaN; infinities propagate (+∞ and −∞ together give NaN).
 *
 * @example neumaierSum([1, 1e100, 1, -1e100]) // 2 (a plain loop gives 0)
 */
export function neumaierSum(xs: ArrayLike<number>): number {
  const acc = new NeumaierSum();
  for (let i = 0; i < xs.length; i++) acc.add(xs[i]);
  return acc.value;
}

/**
 * A running Neumaier sum: `add` terms one at a time, read `value`.
 *
 * @example
 * const s = new NeumaierSum();
 * s.add(0.1).add(0.2).add(-0.3);
 * s.value // 2.7755575615628914e-17, the exact sum of the three doubles (a plain loop gives 5.55e-17)
 */
export class NeumaierSum {
  private s = 0;
  private c = 0;
  private special = 0;

  /** Adds one term. */
  add(x: number): this {
    if (!Number.isFinite(x)) {
      this.special += x;
      return this;
    }
    const t = this.s + x;
    if (Math.abs(this.s) >= Math.abs(x)) this.c += this.s - t + x;
    else this.c += x - t + this.s;
    this.s = t;
    return this;
  }

  /** The compensated sum of everything added so far. */
  get value(): number {
    return this.special !== 0 || this.special !== this.special ? this.special + this.s : this.s + this.c;
  }
}
