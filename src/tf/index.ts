/**
 * TensorFlow.js half of "maximising the ELBO": the backend choice, the transposing matMul,
 * gradient VI, the MNIST split and the VAE. The seeded RNG is exported as a namespace
 * (`tfRandom.createRng`) so its names cannot clash with the float64 library's.
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
export * as tfRandom from "./rng";
export * from "./refine-q";
