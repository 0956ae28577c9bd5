/**
 * Tables of the 256-layer ziggurat for the standard normal (Marsaglia & Tsang 2000, "The
 * Ziggurat Method for Generating Random Variables"; layout as in Doornik 2005, "An Improved
 * Ziggurat Method to Generate Normal Random Samples", which takes the layer index from bits
 * independent of the abscissa).
 *
 * With f(x) = exp(−x²/2) (unnormalised), layer i ≥ 1 is the rectangle [0, X[i]] × [F[i], F[i+1]]
 * of area V; layer 0 is [0, X[0]] × [0, F[1]] plus the tail x > R, also of area V, with
 * X[0] = V/f(R). A draw u·X[i] with u ~ U[0, 1) is accepted at once when it falls under the next
 * layer's edge (x < X[i+1]), which happens for ≈ 99.3 % of draws.
 */

/** Rightmost layer edge R for 256 layers. */
export const ZIGGURAT_R = 3.6541528853610088;
/** Common area V of every layer for 256 layers. */
export const ZIGGURAT_V = 0.00492867323399;
/** Number of layers (a power of two, so the index is 8 random bits). */
export const ZIGGURAT_LAYERS = 256;

/** X[0..256]: layer edges, X[256] = 0. */
export const ZIGGURAT_X = new Float64Array(ZIGGURAT_LAYERS + 1);
/** F[i] = f(X[i]) = exp(−X[i]²/2), F[256] = 1. */
export const ZIGGURAT_F = new Float64Array(ZIGGURAT_LAYERS + 1);
/**
 * The sampler's signed, pre-scaled widths: XS[i] = X[i]·2⁻⁵³ and XS[i + 256] = −X[i]·2⁻⁵³, so
 * that a 53-bit integer m and a sign bit s give the draw m·XS[i + 256s] with one multiply and
 * no branch on the sign. Scaling by a power of two is exact, so m·XS[i] rounds to exactly the
 * same double as (m·2⁻⁵³)·X[i].
 */
export const ZIGGURAT_XS = new Float64Array(2 * ZIGGURAT_LAYERS);

(function buildTables() {
  const X = ZIGGURAT_X;
  const F = ZIGGURAT_F;
  let f = Math.exp(-0.5 * ZIGGURAT_R * ZIGGURAT_R);
  X[0] = ZIGGURAT_V / f;
  X[1] = ZIGGURAT_R;
  for (let i = 2; i < ZIGGURAT_LAYERS; i++) {
    X[i] = Math.sqrt(-2 * Math.log(ZIGGURAT_V / X[i - 1] + f));
    f = Math.exp(-0.5 * X[i] * X[i]);
  }
  X[ZIGGURAT_LAYERS] = 0;
  for (let i = 0; i <= ZIGGURAT_LAYERS; i++) F[i] = Math.exp(-0.5 * X[i] * X[i]);
  F[0] = 0; // the bottom layer starts at height 0
  for (let i = 0; i < ZIGGURAT_LAYERS; i++) {
    ZIGGURAT_XS[i] = X[i] * 1.1102230246251565e-16; // 2^-53
    ZIGGURAT_XS[i + ZIGGURAT_LAYERS] = -ZIGGURAT_XS[i];
  }
})();
