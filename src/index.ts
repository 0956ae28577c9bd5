/**
 * ELBO Lab's numerical library. Notebooks import it as `../dist/src` (compiled by `npm run build`).
 * This file only lists exports; each concept lives in its own file.
 */
export { VERSION } from "./version";
export * from "./figures";
export * from "./tf";
export * from "./em";
export * from "./iwae";
export * from "./math";
export * from "./random";
export * from "./dists";
export * from "./quadrature";
export * from "./divergence";
export * from "./models";
export * from "./elbo";
// Both ./tf (the VAE) and ./elbo export a type ElboParts; the barrel keeps the VAE's, ./elbo's is also ElboBreakdown.
export type { ElboParts } from "./tf";
export * from "./estimators";
export * from "./spec";
