export { Rng, createRng } from "./rng";
export type { Seed, NormalPowerSums } from "./rng";
export { permutation } from "./permutation";
export { ZIGGURAT_R, ZIGGURAT_V, ZIGGURAT_LAYERS, ZIGGURAT_X, ZIGGURAT_F } from "./ziggurat";
