/**
 * Multi-threaded XNNPACK for TensorFlow.js's wasm backend in Node.
 *
 * tfjs-backend-wasm ships a threaded SIMD build (`tfjs-backend-wasm-threaded-simd.wasm`, with
 * emscripten pthreads on a shared memory) but never uses it in Node, for three reasons found
 * here (tfjs 4.22):
 *  1. the flag `WASM_HAS_MULTITHREAD_SUPPORT` returns false when `IS_NODE`;
 *  2. forced on (`tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true)`), `init()` starts the
 *     pthread workers from a `blob:` URL and passes the main script as a `Blob`; Node's
 *     `worker_threads.Worker` accepts only file paths (and file:/data: URLs) and throws
 *     `TypeError [ERR_WORKER_PATH] … Received "blob:nodedata:…"`, so the backend fails to
 *     initialise;
 *  3. even when it starts, the C++ side caps the thread count at
 *     `emscripten_num_logical_cores() / 2` (it assumes two hyperthreads per core), i.e. at 1 on
 *     a 2-vCPU machine whatever `setThreadsCount` asks for.
 *
 * `registerThreadedWasm(threads)` registers, under the name "wasm" (so every wasm kernel
 * applies), a backend factory that builds the threaded module itself with emscripten's own
 * options: `locateFile` gives the worker as a real file (`wasm-threads-worker.ts`) and
 * `mainScriptUrlOrBlob` the path of the threaded build's JS, and `instantiateWasm` reports
 * twice the CPU count to the module so the cap becomes the CPU count. Once the thread pool
 * exists its workers are unref'd: they block forever waiting for work and would otherwise keep
 * the process from exiting. `registerSingleThreadedWasm()` puts tfjs's own factory back.
 *
 * Switching replaces the backend instance: tensors made on the previous one are lost, so choose
 * before making any (initBackend's `threads` option does this).
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as tf from "@tensorflow/tfjs";

/** The parts of the emscripten module object used here. */
interface EmscriptenModule {
  cwrap(name: string, ret: string | null, args: string[]): (...a: number[]) => number;
  PThread?: { runningWorkers: { unref(): void }[]; unusedWorkers: { unref(): void }[] };
}

interface WasmPackage {
  BackendWasm: new (module: unknown) => tf.KernelBackend;
  setThreadsCount(n: number): void;
  getThreadsCount(): number;
}

/** Priority tfjs-backend-wasm registers its backend with. */
const WASM_PRIORITY = 2;

let originalFactory: (() => tf.KernelBackend | Promise<tf.KernelBackend>) | null = null;
let registeredThreads = 1;

function wasmPackage(): WasmPackage {
  return require("@tensorflow/tfjs-backend-wasm") as WasmPackage;
}

/** Builds the threaded module and a wasm backend on it with `threads` XNNPACK threads. */
async function createThreadedBackend(threads: number): Promise<tf.KernelBackend> {
  const pkg = wasmPackage();
  const script = require.resolve("@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js");
  const wasmFile = path.join(path.dirname(script), "tfjs-backend-wasm-threaded-simd.wasm");
  const workerFile = path.join(__dirname, "wasm-threads-worker.js");
  const factory = require(script) as (config: object) => Promise<EmscriptenModule & Record<string, unknown>>;
  const cpus = os.cpus().length;
  const module = await factory({
    locateFile: (p: string, prefix: string) => (p.endsWith(".worker.js") ? workerFile : p.endsWith(".wasm") ? wasmFile : prefix + p),
    mainScriptUrlOrBlob: script,
    instantiateWasm: (info: { env: Record<string, unknown> }, receive: (i: WebAssembly.Instance, m: WebAssembly.Module) => void) => {
      info.env.emscripten_num_logical_cores = () => 2 * cpus;
      WebAssembly.instantiate(fs.readFileSync(wasmFile), info as unknown as WebAssembly.Imports).then(({ instance, module: m }) => receive(instance, m));
      return {};
    },
  });
  module.tfjs = {
    init: module.cwrap("init", null, []),
    initWithThreadsCount: module.cwrap("init_with_threads_count", null, ["number"]),
    getThreadsCount: module.cwrap("get_threads_count", "number", []),
    registerTensor: module.cwrap("register_tensor", null, ["number", "number", "number"]),
    disposeData: module.cwrap("dispose_data", null, ["number"]),
    dispose: module.cwrap("dispose", null, []),
  };
  pkg.setThreadsCount(threads);
  const backend = new pkg.BackendWasm(module); // creates the thread pool
  const pt = module.PThread;
  if (pt) for (const w of [...pt.runningWorkers, ...pt.unusedWorkers]) w.unref();
  return backend;
}

/**
 * Makes "wasm" the threaded build with `threads` threads (capped by tfjs at the CPU count and
 * at 8). The current wasm backend instance, if any, is disposed.
 */
export function registerThreadedWasm(threads: number): void {
  if (!Number.isInteger(threads) || threads < 1) throw new Error(`registerThreadedWasm: threads must be a positive integer (got ${threads})`);
  if (threads === 1) {
    registerSingleThreadedWasm();
    return;
  }
  wasmPackage(); // registers tfjs's own factory and kernels first
  const current = tf.findBackendFactory("wasm");
  if (originalFactory === null && current !== null && registeredThreads === 1) originalFactory = current;
  if (registeredThreads === threads && tf.findBackendFactory("wasm") !== null) return;
  tf.removeBackend("wasm");
  tf.registerBackend("wasm", () => createThreadedBackend(threads), WASM_PRIORITY);
  registeredThreads = threads;
}

/** Puts back tfjs's own (single-threaded in Node) wasm backend factory. */
export function registerSingleThreadedWasm(): void {
  if (registeredThreads === 1) return;
  tf.removeBackend("wasm");
  if (originalFactory !== null) tf.registerBackend("wasm", originalFactory, WASM_PRIORITY);
  registeredThreads = 1;
}

/** Threads of the wasm backend's XNNPACK pool as tfjs reports it (1 for the single-threaded build). */
export function wasmThreadsCount(): number {
  try {
    return Math.max(1, wasmPackage().getThreadsCount());
  } catch {
    return 1;
  }
}
