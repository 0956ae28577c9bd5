/**
 * Direct access to the tensors of TensorFlow.js's `wasm` backend, for the SIMD kernels of
 * `wasm-kernels.ts`, which read and write tensors where they lie. Used only by
 * `wasm-fast-path.ts` (the one door to the wasm-specific code; bench/WASM-DECISION.md).
 *
 * On the wasm backend every float32 tensor is a block of the backend's WebAssembly memory
 * (`backend.dataIdMap.get(dataId).memoryOffset`, in bytes). A `Float32Array` over that memory
 * is valid only until the next allocation on the heap (any tfjs op may grow the memory, which
 * detaches the old buffer), so use it at once.
 *
 * This relies on internals of @tensorflow/tfjs-backend-wasm 4.x (`_malloc`, `_free`, the memory
 * as `asm.memory` or, in the threaded build, `wasmMemory`, `dataIdMap`, `makeOutput`); `wasmHeap()` checks for each of them and
 * returns null when any is missing, and callers then use the public API (`dataSync`, `tf.tensor`).
 *
 * @example
 * const heap = wasmHeap();                       // null unless the wasm backend is active
 * const out = heap ? heap.empty([4]) : null;     // a tensor to fill at heap.offset(out)
 */
import * as tf from "@tensorflow/tfjs";

interface WasmModuleLike {
  HEAPF32: Float32Array;
  _malloc(bytes: number): number;
  _free(ptr: number): void;
  /** The exports; they hold the memory in the single-threaded builds. */
  asm?: { memory?: unknown };
  /** The (shared) memory of the threaded build, which imports it. */
  wasmMemory?: unknown;
}

interface WasmBackendLike {
  wasm: WasmModuleLike;
  dataIdMap: { get(dataId: object): { memoryOffset: number | null } | undefined };
  makeOutput(shape: number[], dtype: "float32"): tf.TensorInfo;
}

export interface WasmHeap {
  /** The backend's WebAssembly memory (the same object for the life of the backend). */
  memory: WebAssembly.Memory;
  /** The whole heap as float32 (a fresh view: valid until the next allocation). */
  f32(): Float32Array;
  /** Allocates `bytes` bytes on the heap (8-byte aligned); returns the byte offset. */
  malloc(bytes: number): number;
  free(ptr: number): void;
  /** Byte offset of a float32 tensor's data. */
  offset(t: tf.Tensor): number;
  /** A new float32 tensor whose contents are not initialised (fill it through `offset`). */
  empty(shape: number[]): tf.Tensor;
}

function asWasmBackend(b: unknown): WasmBackendLike | null {
  const be = b as Partial<WasmBackendLike> | null;
  const w = be?.wasm as Partial<WasmModuleLike> | undefined;
  if (!be || !w || !(w.HEAPF32 instanceof Float32Array)) return null;
  if (typeof w._malloc !== "function" || typeof w._free !== "function") return null;
  if (!(w.asm?.memory instanceof WebAssembly.Memory) && !(w.wasmMemory instanceof WebAssembly.Memory)) return null;
  if (typeof be.dataIdMap?.get !== "function" || typeof be.makeOutput !== "function") return null;
  return be as WasmBackendLike;
}

/** The heap of the active backend if it is tfjs's wasm backend (with the internals used here), else null. */
export function wasmHeap(): WasmHeap | null {
  if (tf.getBackend() !== "wasm") return null;
  const be = asWasmBackend(tf.backend());
  if (be === null) return null;
  const mod = be.wasm;
  const memory = (mod.asm?.memory instanceof WebAssembly.Memory ? mod.asm.memory : mod.wasmMemory) as WebAssembly.Memory;
  // Views are made from memory.buffer each time: after a growth of a shared memory the
  // module's own HEAPF32 can lag behind.
  const f32 = () => new Float32Array(memory.buffer);
  const offset = (t: tf.Tensor): number => {
    if (t.dtype !== "float32") throw new Error(`wasmHeap: float32 tensors only (got ${t.dtype})`);
    const d = be.dataIdMap.get(t.dataId);
    if (d == null || d.memoryOffset == null) throw new Error("wasmHeap: tensor is not on the wasm heap");
    return d.memoryOffset;
  };
  return {
    memory,
    f32,
    malloc: (bytes) => mod._malloc(bytes) >>> 0,
    free: (ptr) => mod._free(ptr),
    offset,
    empty: (shape) => tf.engine().makeTensorFromTensorInfo(be.makeOutput(shape, "float32")),
  };
}
