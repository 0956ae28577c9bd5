/**
 * The one door to this project's wasm-specific speed code (bench/WASM-DECISION.md): the
 * opcode-assembled SIMD kernels of `wasm-kernels.ts`, run on the memory of tfjs-backend-wasm
 * through the internals read by `wasm-heap.ts`. `wasmFastPath()` gives an object with the few
 * operations the VAE trainer and `PackedAdam` use, or null when the backend is not wasm, its
 * internals are not what `wasm-heap.ts` expects, or the kernel module does not validate; callers
 * then take their portable path (tfjs ops and JS loops), which computes the same thing.
 *
 * Heap offsets stay inside this module: weight blocks are opaque `WasmBlock`s, everything else
 * goes in and out as tensors and typed arrays.
 *
 * @example
 * const fast = wasmFastPath();                    // null unless on wasm
 * const tT = fast ? fast.transpose(t) : tf.transpose(t);
 */
import * as tf from "@tensorflow/tfjs";
import { wasmHeap, type WasmHeap } from "./wasm-heap";
import { bernoulliProducts, wasmKernels, type WasmKernels } from "./wasm-kernels";

/** The Bernoulli pass's chunk length (the JS loop of the portable path multiplies in the same chunks). */
export { BERNOULLI_CHUNK } from "./wasm-kernels";

/** A float32 block on the wasm heap (Adam's weights with its two moments and a gradient buffer). */
export interface WasmBlock {
  readonly size: number;
}

interface HeapBlock extends WasmBlock {
  w: number;
  m: number;
  v: number;
  scratch: number;
  freed: boolean;
}

/** Adam's constants for one update (ic1, ic2: the bias corrections 1/(1 − βᵗ)). */
export interface AdamConstants {
  b1: number;
  b2: number;
  ic1: number;
  ic2: number;
  lr: number;
  eps: number;
}

/** The JS update for the last (size mod 4) entries, on views of the heap. */
export type AdamTail = (w: Float32Array, m: Float32Array, v: Float32Array, g: Float32Array, from: number, to: number) => void;

/** Sparse rows: row r of the output is Σ_q val[q]·(row idx[q] of the source) over q in [start[r], start[r+1]). */
export interface SparseRows {
  start: Int32Array;
  idx: Int32Array;
  val: Float32Array;
}

export interface WasmFastPath {
  /** A new block holding a copy of `init`, with zero moments. */
  newBlock(init: Float32Array): WasmBlock;
  /** One Adam update of the block by `g·gradScale` (the SIMD kernel; `tail` for the last size mod 4 entries). */
  adam(blk: WasmBlock, g: tf.Tensor | Float32Array, gradScale: number, k: AdamConstants, tail: AdamTail): void;
  /** A new tensor of shape `shape` holding the block's weights. */
  blockTensor(blk: WasmBlock, shape: number[]): tf.Tensor;
  /** A copy of the block's weights. */
  readBlock(blk: WasmBlock): Float32Array;
  freeBlock(blk: WasmBlock): void;
  /** tᵀ for a [rows, cols] float32 tensor (the 4×4-shuffle kernel). */
  transpose(t: tf.Tensor2D): tf.Tensor2D;
  /** The block's weights read as [rows, cols], transposed: a new [cols, rows] tensor. */
  transposeBlock(blk: WasmBlock, rows: number, cols: number): tf.Tensor2D;
  /**
   * The Bernoulli loss pass over logitsᵀ `lT` and `sT` = sigmoid(lT) with targets `xT` (all of
   * `n` entries): ∂lᵀ = s − x as a new tensor of `lT`'s shape, and Σ x·l − relu(l) + log max(s, 1 − s)
   * (float64). Null when `n` is not a multiple of 4 (the caller then uses its JS loop).
   */
  bernoulli(lT: tf.Tensor, sT: tf.Tensor, xT: Float32Array): { dlT: tf.Tensor; recSum: number } | null;
  /** The sparse first layer, relu(Σ rows of [W₁; b₁]) per image: [B, H], `w1` the [D+1, H] block, H a multiple of 4. */
  sparseFirstLayer(w1: WasmBlock, H: number, byImage: SparseRows): tf.Tensor2D;
  /** Its gradient [D+1, H]: row `pixels[r]` = Σ val·(rows of `da1`), other rows zero. */
  sparseFirstLayerGradient(da1: tf.Tensor2D, D1: number, byPixel: SparseRows & { pixels: Int32Array }): tf.Tensor2D;
  /** Frees the fast path's own scratch memory (blocks are freed by `freeBlock`). */
  dispose(): void;
}

/** `k` with every call timed into `ms[name]` (Adam's calls are timed by `PackedAdam.onKernel`). */
function timedKernels(k: WasmKernels, ms: Record<string, number>): WasmKernels {
  const time = <A extends unknown[], R>(name: string, f: (...a: A) => R) => (...a: A): R => {
    const t = performance.now();
    const r = f(...a);
    ms[name] = (ms[name] ?? 0) + performance.now() - t;
    return r;
  };
  return {
    adam: k.adam,
    bernoulli: time("bernoulli", k.bernoulli),
    sparseRows: (...a: Parameters<WasmKernels["sparseRows"]>) => time(a[8] ? "sparseRows (first layer)" : "sparseRows (first layer gradient)", k.sparseRows)(...a),
    transpose: time("transpose", k.transpose),
  };
}

/**
 * The fast path on the active backend, or null (see the module comment). `timing`: milliseconds
 * inside the kernels other than Adam's, added by name.
 */
export function wasmFastPath(options: { timing?: Record<string, number> } = {}): WasmFastPath | null {
  const heap = wasmHeap();
  const raw = heap ? wasmKernels(heap.memory) : null;
  if (heap === null || raw === null) return null;
  const kernels = options.timing ? timedKernels(raw, options.timing) : raw;
  return makeFastPath(heap, kernels);
}

function makeFastPath(heap: WasmHeap, kernels: WasmKernels): WasmFastPath {
  const block = (b: WasmBlock): HeapBlock => {
    const hb = b as HeapBlock;
    if (typeof hb.w !== "number") throw new Error("WasmFastPath: not a block of this fast path");
    if (hb.freed) throw new Error("WasmFastPath: block used after freeBlock");
    return hb;
  };
  // A heap buffer for index arrays, grown when needed.
  let scratchPtr = 0, scratchBytes = 0;
  /** Copies int32/float32 arrays into the scratch buffer; returns their byte offsets. */
  const put = (arrays: (Int32Array | Float32Array)[]): number[] => {
    const total = arrays.reduce((s, a) => s + 4 * a.length, 0);
    if (total > scratchBytes) {
      if (scratchPtr) heap.free(scratchPtr);
      scratchBytes = Math.max(total, 2 * scratchBytes);
      scratchPtr = heap.malloc(scratchBytes);
    }
    let at = scratchPtr;
    const buf = heap.memory.buffer;
    return arrays.map((a) => {
      const off = at;
      if (a instanceof Int32Array) new Int32Array(buf, off, a.length).set(a);
      else new Float32Array(buf, off, a.length).set(a);
      at += 4 * a.length;
      return off;
    });
  };
  const transposeAt = (src: number, rows: number, cols: number): tf.Tensor2D => {
    const out = heap.empty([cols, rows]) as tf.Tensor2D;
    kernels.transpose(src, heap.offset(out), rows, cols);
    return out;
  };
  return {
    newBlock(init) {
      const bytes = 4 * init.length;
      const [w, m, v, scratch] = [0, 1, 2, 3].map(() => heap.malloc(bytes));
      const f32 = heap.f32();
      f32.set(init, w / 4);
      f32.fill(0, m / 4, m / 4 + init.length);
      f32.fill(0, v / 4, v / 4 + init.length);
      const hb: HeapBlock = { size: init.length, w, m, v, scratch, freed: false };
      return hb;
    },
    adam(b, g, gradScale, k, tail) {
      const blk = block(b);
      let gOff: number;
      if (g instanceof Float32Array) {
        heap.f32().set(g, blk.scratch / 4);
        gOff = blk.scratch;
      } else {
        gOff = heap.offset(g);
      }
      const n4 = blk.size >> 2;
      kernels.adam(blk.w, blk.m, blk.v, gOff, n4, gradScale, k.b1, 1 - k.b1, k.b2, 1 - k.b2, k.ic1, k.ic2, k.lr, k.eps);
      if (n4 * 4 < blk.size) {
        const f32 = heap.f32();
        const view = (off: number) => f32.subarray(off / 4, off / 4 + blk.size);
        tail(view(blk.w), view(blk.m), view(blk.v), view(gOff), n4 * 4, blk.size);
      }
    },
    blockTensor(b, shape) {
      const blk = block(b);
      const t = heap.empty(shape);
      heap.f32().copyWithin(heap.offset(t) / 4, blk.w / 4, blk.w / 4 + blk.size);
      return t;
    },
    readBlock(b) {
      const blk = block(b);
      return heap.f32().slice(blk.w / 4, blk.w / 4 + blk.size);
    },
    freeBlock(b) {
      const blk = block(b);
      for (const p of [blk.w, blk.m, blk.v, blk.scratch]) heap.free(p);
      blk.freed = true;
    },
    transpose(t) {
      const [rows, cols] = t.shape;
      return transposeAt(heap.offset(t), rows, cols);
    },
    transposeBlock(b, rows, cols) {
      const blk = block(b);
      if (rows * cols !== blk.size) throw new Error(`WasmFastPath.transposeBlock: ${rows}×${cols} for a block of ${blk.size}`);
      return transposeAt(blk.w, rows, cols);
    },
    bernoulli(lT, sT, xT) {
      const n = lT.size;
      if (n % 4 !== 0) return null;
      const n4 = n / 4;
      const count = bernoulliProducts(n4);
      const xTt = tf.tensor(xT, lT.shape, "float32");
      const dlT = heap.empty(lT.shape);
      const prods = heap.malloc(8 * count);
      let recSum = kernels.bernoulli(heap.offset(lT), heap.offset(sT), heap.offset(xTt), heap.offset(dlT), n4, prods);
      for (const q of new Float64Array(heap.memory.buffer, prods, count)) recSum += Math.log(q);
      heap.free(prods);
      xTt.dispose();
      return { dlT, recSum };
    },
    sparseFirstLayer(w1, H, bi) {
      const blk = block(w1);
      const B = bi.start.length - 1;
      const h1 = heap.empty([B, H]) as tf.Tensor2D;
      const [rows, start, idx, val] = put([Int32Array.from({ length: B }, (_, b) => b), bi.start, bi.idx, bi.val]);
      kernels.sparseRows(heap.offset(h1), rows, start, idx, val, blk.w, B, H / 4, 1);
      return h1;
    },
    sparseFirstLayerGradient(da1, D1, bp) {
      const H = da1.shape[1];
      const g = heap.empty([D1, H]) as tf.Tensor2D;
      const off = heap.offset(g);
      heap.f32().fill(0, off / 4, off / 4 + D1 * H); // rows of pixels not in the batch
      const [rows, start, idx, val] = put([bp.pixels, bp.start, bp.idx, bp.val]);
      kernels.sparseRows(off, rows, start, idx, val, heap.offset(da1), bp.pixels.length, H / 4, 0);
      return g;
    },
    dispose() {
      if (scratchPtr) heap.free(scratchPtr);
      scratchPtr = 0;
      scratchBytes = 0;
    },
  };
}
