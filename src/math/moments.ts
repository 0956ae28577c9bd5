/** Sample mean with its standard error, as returned by every Monte Carlo estimator. */
export interface MeanEstimate {
  /** The sample mean (1/n) Σ vᵢ. */
  estimate: number;
  /** The standard error √(s²/n), with s² the unbiased sample variance; NaN when n < 2. */
  stderr: number;
  /** The number of values averaged. */
  n: number;
}

/**
 * Running mean and variance with a shift (the first value), so that the sums Σ(v − K) and
 * Σ(v − K)² stay small and the variance does not cancel catastrophically when the values sit far
 * from 0 (log-weights around −10⁴ with spread 1, say). One pass, O(1) memory, fast enough for
 * the 10⁶-sample estimators.
 *
 * @example
 * const m = new RunningMoments();
 * for (const v of [1, 2, 3, 4]) m.add(v);
 * m.mean // 2.5
 * m.variance // 1.6666666666666667 (unbiased)
 */
export class RunningMoments {
  private shift = 0;
  private s1 = 0;
  private s2 = 0;
  /** How many values have been added. */
  n = 0;

  /** Adds one value. */
  add(v: number): this {
    if (this.n === 0) this.shift = v;
    const d = v - this.shift;
    this.s1 += d;
    this.s2 += d * d;
    this.n++;
    return this;
  }

  /** Adds every value of an array. */
  addAll(vs: ArrayLike<number>, count = vs.length): this {
    if (count === 0) return this;
    if (this.n === 0) this.shift = vs[0];
    const k = this.shift;
    let s1 = 0;
    let s2 = 0;
    for (let i = 0; i < count; i++) {
      const d = vs[i] - k;
      s1 += d;
      s2 += d * d;
    }
    this.s1 += s1;
    this.s2 += s2;
    this.n += count;
    return this;
  }

  /**
   * Adds a block of `count` values given only by their sums about a shift c: Σ(v − c) and
   * Σ(v − c)². This is how a fused loop (one that never stores its values) hands its block over;
   * the block is re-centred on this accumulator's shift exactly as algebra says,
   * Σ(v − K) = Σ(v − c) + count·δ and Σ(v − K)² = Σ(v − c)² + 2δ·Σ(v − c) + count·δ² with
   * δ = c − K, so the result equals addAll on the values up to rounding. An empty accumulator
   * takes c as its shift (no re-centring at all); c should then sit near the values, as the
   * first value does for addAll.
   *
   * @example new RunningMoments().addShiftedSums(4, 10, -30, 230).result() // { estimate: 2.5, stderr: 0.6454972243679028, n: 4 } (the values 1, 2, 3, 4 summed about 10)
   */
  addShiftedSums(count: number, shift: number, sum: number, sumSquares: number): this {
    if (count === 0) return this;
    if (this.n === 0) this.shift = shift;
    const delta = shift - this.shift;
    this.s1 += sum + count * delta;
    this.s2 += sumSquares + delta * (2 * sum + count * delta);
    this.n += count;
    return this;
  }

  /** The sample mean; NaN when empty. */
  get mean(): number {
    return this.n === 0 ? NaN : this.shift + this.s1 / this.n;
  }

  /** The unbiased sample variance; NaN when fewer than two values. */
  get variance(): number {
    if (this.n < 2) return NaN;
    const v = (this.s2 - (this.s1 * this.s1) / this.n) / (this.n - 1);
    return v > 0 ? v : 0;
  }

  /** The mean with its standard error √(variance/n). */
  result(): MeanEstimate {
    return { estimate: this.mean, stderr: Math.sqrt(this.variance / this.n), n: this.n };
  }
}

/**
 * Mean and standard error of an array of values.
 * @example meanWithStderr([1, 2, 3, 4]) // { estimate: 2.5, stderr: 0.6454972243679028, n: 4 }
 */
export function meanWithStderr(values: ArrayLike<number>): MeanEstimate {
  return new RunningMoments().addAll(values).result();
}
