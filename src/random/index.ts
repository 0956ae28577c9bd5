export { Rng, createRng } from "./rng";
export type { Seed, NormalPowerSums } from "./rng";
export { ZIGGURAT_R, ZIGGURAT_V, ZIGGURAT_LAYERS, ZIGGURAT_X, ZIGGURAT_F } from "./ziggurat";
