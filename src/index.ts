/**
 * ELBO Lab's numerical library. Notebooks import it as `../dist/src` (compiled by `npm run build`).
 * This file only lists exports; each concept lives in its own file.
 */
export { VERSION } from "./version";
export * from "./figures";
export * from "./tf";
export * from "./em";
export * from "./iwae";
