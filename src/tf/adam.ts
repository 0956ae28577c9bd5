/**
 * Adam (Kingma & Ba 2015) over blocks of float32 parameters held outside tf.Variables, with
 * tfjs's `tf.train.adam` defaults (β₁ = 0.9, β₂ = 0.999, ε = 1e−7) and its update,
 * w ← w − lr·m̂/(√v̂ + ε), m̂ = m/(1 − β₁ᵗ), v̂ = v/(1 − β₂ᵗ).
 *
 * On the wasm backend the weights and both moments live in the backend's heap and the update
 * is one SIMD pass per block (`wasm-fast-path.ts`) that reads each gradient tensor in place; a new
 * tensor of the current weights is one memcpy. Elsewhere (cpu, tfjs-node) the same update runs
 * as a JS loop over arrays, with gradients read by `dataSync`.
 *
 * @example
 * const adam = new PackedAdam([Float32Array.of(1, 2)], { learningRate: 0.1 });
 * adam.step([tf.tensor1d([0.5, -0.5])]);   // first step: each weight moves by ≈ lr against its gradient
 * adam.read(0);                             // ≈ [0.9, 2.1]
 */
import * as tf from "@tensorflow/tfjs";
import { wasmFastPath, type WasmBlock, type WasmFastPath } from "./wasm-fast-path";

export interface AdamOptions {
  learningRate: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}

/** One block's storage: a block of the wasm fast path, or JS arrays. */
type Block =
  | { kind: "heap"; size: number; blk: WasmBlock }
  | { kind: "js"; size: number; w: Float32Array; m: Float32Array; v: Float32Array };

export class PackedAdam {
  private readonly blocks: Block[];
  private readonly fast: WasmFastPath | null;
  private readonly lr: number;
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly eps: number;
  private t = 0;
  private disposed = false;
  /** Called with the milliseconds of each SIMD kernel call (for profiling). */
  onKernel: ((ms: number) => void) | null = null;

  /** `initial[i]` are the starting values of block i (copied). `useWasm: false` forces the JS path. */
  constructor(initial: Float32Array[], options: AdamOptions & { useWasm?: boolean }) {
    this.lr = options.learningRate;
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.eps = options.epsilon ?? 1e-7;
    const fast = options.useWasm === false ? null : wasmFastPath();
    this.fast = fast;
    this.blocks = initial.map((init) => {
      if (fast === null) {
        return { kind: "js", size: init.length, w: Float32Array.from(init), m: new Float32Array(init.length), v: new Float32Array(init.length) };
      }
      return { kind: "heap", size: init.length, blk: fast.newBlock(init) };
    });
  }

  /** Whether the update runs as WebAssembly SIMD on the wasm heap (else a JS loop). */
  get usesWasm(): boolean {
    return this.fast !== null;
  }

  /** Block i on the wasm fast path (its weights are read there in place), or null on the JS path. */
  wasmBlock(i: number): WasmBlock | null {
    const blk = this.blocks[i];
    return blk.kind === "heap" ? blk.blk : null;
  }

  /** Number of updates so far. */
  get steps(): number {
    return this.t;
  }

  /**
   * One update. `grads[i]` is block i's gradient (a float32 tensor or array of the block's
   * size); it is multiplied by `gradScale` first (e.g. 1/batch for a summed loss).
   */
  step(grads: (tf.Tensor | Float32Array)[], gradScale = 1): void {
    if (this.disposed) throw new Error("PackedAdam: used after dispose()");
    if (grads.length !== this.blocks.length) throw new Error(`PackedAdam: ${grads.length} gradients for ${this.blocks.length} blocks`);
    this.t++;
    const b1 = this.beta1, b2 = this.beta2;
    const ic1 = 1 / (1 - Math.pow(b1, this.t));
    const ic2 = 1 / (1 - Math.pow(b2, this.t));
    for (let i = 0; i < this.blocks.length; i++) {
      const blk = this.blocks[i];
      const g = grads[i];
      const gSize = g instanceof Float32Array ? g.length : g.size;
      if (gSize !== blk.size) throw new Error(`PackedAdam: gradient ${i} has ${gSize} values, block has ${blk.size}`);
      if (blk.kind === "js") {
        const gv = g instanceof Float32Array ? g : (g.dataSync() as Float32Array);
        adamJs(blk.w, blk.m, blk.v, gv, 0, blk.size, gradScale, b1, b2, ic1, ic2, this.lr, this.eps);
        continue;
      }
      const t0 = this.onKernel ? performance.now() : 0;
      // The last (size mod 4) weights go through `adamJs` on views of the same memory.
      this.fast!.adam(blk.blk, g, gradScale, { b1, b2, ic1, ic2, lr: this.lr, eps: this.eps }, (w, m, v, gv, from, to) =>
        adamJs(w, m, v, gv, from, to, gradScale, b1, b2, ic1, ic2, this.lr, this.eps));
      if (this.onKernel) this.onKernel(performance.now() - t0);
    }
  }

  /** A new tensor of shape `shape` holding block i's current weights. */
  tensor(i: number, shape: number[]): tf.Tensor {
    const blk = this.blocks[i];
    if (blk.kind === "js") return tf.tensor(blk.w, shape, "float32");
    return this.fast!.blockTensor(blk.blk, shape);
  }

  /** A copy of block i's current weights. */
  read(i: number): Float32Array {
    const blk = this.blocks[i];
    if (blk.kind === "js") return blk.w.slice();
    return this.fast!.readBlock(blk.blk);
  }

  /** Frees the heap memory (the JS path holds nothing outside the garbage collector). */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const blk of this.blocks) {
      if (blk.kind === "heap") this.fast!.freeBlock(blk.blk);
    }
  }
}

/** The same update in JS (float64 arithmetic, float32 storage) over indices [from, to). */
function adamJs(
  w: Float32Array, m: Float32Array, v: Float32Array, g: Float32Array, from: number, to: number,
  gScale: number, b1: number, b2: number, ic1: number, ic2: number, lr: number, eps: number,
): void {
  const a1 = 1 - b1, a2 = 1 - b2;
  for (let j = from; j < to; j++) {
    const gj = g[j] * gScale;
    const mj = b1 * m[j] + a1 * gj;
    const vj = b2 * v[j] + a2 * gj * gj;
    m[j] = mj;
    v[j] = vj;
    w[j] -= (lr * (mj * ic1)) / (Math.sqrt(vj * ic2) + eps);
  }
}
