/**
 * The one place that decides which TensorFlow.js backend runs.
 *
 * Order of preference (fastest first):
 *   1. `tensorflow` — native TensorFlow from `@tensorflow/tfjs-node`, built by scripts/native-tf.sh.
 *      It is loaded with a guarded `require` at run time: where the addon could not be built, the
 *      set-up points that package name at plain `@tensorflow/tfjs` and this order falls to wasm.
 *   2. `wasm` — `@tensorflow/tfjs-backend-wasm` (SIMD, single thread in Node).
 *   3. `cpu` — the pure-JS backend, 20–90x slower than wasm on this project's work.
 *      Falling back to it logs a warning; it is never a silent default.
 *
 * `prefer` (or the environment variable `ELBO_LAB_BACKEND`) puts one backend first; the rest
 * of the order is kept as fallbacks.
 *
 * `threads` (or `ELBO_LAB_WASM_THREADS`) > 1 runs the wasm backend on tfjs's threaded SIMD build
 * (see `wasm-threads.ts`; tfjs itself never uses it in Node). Off by default: see
 * bench/VAE-PROFILE.md for what it gains and costs on this project's 2-core machines.
 *
 * @example
 * const name = await initBackend();          // "wasm" on a machine without tfjs-node
 * console.log(`TensorFlow.js backend: ${backendName()}`);
 */
import * as tf from "@tensorflow/tfjs";
import { registerSingleThreadedWasm, registerThreadedWasm } from "./wasm-threads";

export type BackendName = "tensorflow" | "wasm" | "cpu";

export const BACKEND_ORDER: readonly BackendName[] = ["tensorflow", "wasm", "cpu"];

export interface InitBackendOptions {
  /** Try this backend first (default: `process.env.ELBO_LAB_BACKEND`, else the fastest). */
  prefer?: BackendName;
  /** Backends to skip as if they were not installed (for tests of the fallback). */
  exclude?: BackendName[];
  /** Where warnings go (default `console.warn`). */
  warn?: (message: string) => void;
  /**
   * XNNPACK threads of the wasm backend (default `process.env.ELBO_LAB_WASM_THREADS`, else 1).
   * Above 1 the threaded build is loaded; capped at the number of CPUs. Changing it replaces the
   * wasm backend, and its tensors are lost.
   */
  threads?: number;
}

let chosen: BackendName | null = null;

/**
 * Loads a backend's package if needed and reports whether tfjs has it registered.
 * `@tensorflow/tfjs-node` must be the real package: where the native build was not possible, the set-up
 * links that name to plain `@tensorflow/tfjs`, which brings no native backend.
 */
function loadBackend(name: BackendName): boolean {
  if (tf.findBackendFactory(name) != null) return true;
  try {
    if (name === "tensorflow") {
      const pkg = require("@tensorflow/tfjs-node/package.json") as { name?: string };
      if (pkg.name !== "@tensorflow/tfjs-node") return false;
      require("@tensorflow/tfjs-node");
    } else if (name === "wasm") {
      require("@tensorflow/tfjs-backend-wasm");
    }
  } catch {
    return false;
  }
  return tf.findBackendFactory(name) != null;
}

function isBackendName(s: string | undefined): s is BackendName {
  return s === "tensorflow" || s === "wasm" || s === "cpu";
}

/**
 * Initialises the fastest available backend (or `prefer` first) and returns its name.
 * Calling it again re-selects; the tensors of the previous backend stay there, so call it
 * once at the start of a notebook or test file.
 */
export async function initBackend(options: InitBackendOptions = {}): Promise<BackendName> {
  const warn = options.warn ?? ((m: string) => console.warn(m));
  const envPrefer = typeof process !== "undefined" ? process.env?.ELBO_LAB_BACKEND : undefined;
  const prefer = options.prefer ?? (isBackendName(envPrefer) ? envPrefer : undefined);
  const order: BackendName[] = prefer
    ? [prefer, ...BACKEND_ORDER.filter((b) => b !== prefer)]
    : [...BACKEND_ORDER];
  const envThreads = typeof process !== "undefined" ? Number(process.env?.ELBO_LAB_WASM_THREADS) : NaN;
  const threads = options.threads ?? (Number.isInteger(envThreads) && envThreads >= 1 ? envThreads : 1);
  for (const name of order) {
    if (options.exclude?.includes(name) || !loadBackend(name)) continue;
    if (name === "wasm") {
      if (threads > 1) registerThreadedWasm(threads);
      else registerSingleThreadedWasm();
    }
    let ok = false;
    try {
      ok = await tf.setBackend(name);
    } catch {
      ok = false;
    }
    if (!ok) continue;
    await tf.ready();
    chosen = name;
    if (name === "cpu" && prefer !== "cpu") {
      warn(
        "elbo-lab: falling back to the TensorFlow.js 'cpu' backend (pure JS, 20–90x slower than " +
          "'wasm'). Check that @tensorflow/tfjs-backend-wasm is installed.",
      );
    }
    return name;
  }
  throw new Error("elbo-lab: no TensorFlow.js backend could be initialised");
}

/** Name of the backend chosen by `initBackend`, or tfjs's current one if it was never called. */
export function backendName(): string {
  return chosen ?? tf.getBackend();
}

/** Which of the three backends could be loaded in this process (without switching to them). */
export function availableBackends(): BackendName[] {
  return BACKEND_ORDER.filter((b) => loadBackend(b));
}

let warnedUnchosen = false;

/**
 * For synchronous entry points (createVae, fitGaussianVI, …): if `initBackend` was never
 * awaited, tfjs runs on its own default, which in Node is the slow `cpu` backend (wasm needs
 * an asynchronous start). Warn once instead of being silently slow.
 */
export function checkBackendChosen(warn: (message: string) => void = (m) => console.warn(m)): void {
  if (chosen !== null || warnedUnchosen) return;
  void tf.engine().backend; // makes tfjs pick its default now (getBackend() is undefined until then)
  if (tf.getBackend() === "cpu") {
    warnedUnchosen = true;
    warn(
      "elbo-lab: running on TensorFlow.js's default 'cpu' backend because `await initBackend()` " +
        "was not called first; it is 20–90x slower than 'wasm'.",
    );
  }
}

/** Calls `initBackend()` unless a backend was already chosen; used by the training loops. */
export async function ensureBackend(): Promise<string> {
  if (chosen === null) await initBackend();
  return backendName();
}
