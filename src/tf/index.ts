/**
 * TensorFlow.js half of "maximising the ELBO": the backend choice, the transposing matMul,
 * gradient VI, the MNIST split and the VAE. The project's one seeded generator (`src/random`) is
 * also exported here as the namespace `tfRandom` (`tfRandom.createRng`), the name notebooks use.
 */
export * from "./backend";
export * from "./matmul";
export * from "./gradient-vi";
export * from "./mnist";
export * from "./vae";
export * from "./vae-trainer";
export { createNativeVaeTrainer } from "./vae-native-trainer";
export { PackedAdam, type AdamOptions } from "./adam";
export { wasmThreadsCount } from "./wasm-threads";
export * as tfRandom from "../random";
export * from "./refine-q";
