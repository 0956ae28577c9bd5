export { Rng, createRng } from "./rng";
export type { Seed } from "./rng";
export { ZIGGURAT_R, ZIGGURAT_V, ZIGGURAT_LAYERS, ZIGGURAT_X, ZIGGURAT_F } from "./ziggurat";
