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
export * from "./estimators";
export * from "./spec";
