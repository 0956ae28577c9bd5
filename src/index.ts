/**
 * ELBO Lab's numerical library. Notebooks import it as `../dist/src` (compiled by `npm run build`).
 * This file only lists exports; each concept lives in its own file.
 *
 * The TensorFlow.js half (backend, gradient VI on tensors, MNIST, the VAE) is `../dist/src/tf`,
 * imported only by the notebooks that use it: re-exporting it here made every notebook's first cell
 * load tfjs (≈ 0.3 s) and type-check its 1.5 MB of declarations.
 */
export { VERSION } from "./version";
export * from "./figures";
// `tfRandom`: the name notebooks used for the generator of the former src/tf/rng.ts; the same one now.
export * as tfRandom from "./random";
export * from "./em";
export * from "./iwae";
export * from "./math";
export * from "./random";
export * from "./dists";
export * from "./quadrature";
export * from "./divergence";
export * from "./models";
export * from "./elbo";
export * from "./estimators";
export * from "./spec";
export * from "./meanfield";
export * from "./optimize";
