/**
 * Which backend the `src/tf` unit tests run on (tests only; not exported from the barrel).
 *
 * The tests run twice in `npm test`: once on the default backend (`tensorflow` where
 * `@tensorflow/tfjs-node` is built, else `wasm`) and once with `ELBO_LAB_BACKEND=wasm`, the
 * backend every user without the native build falls back to. `ELBO_LAB_BACKEND` names the
 * backend under test; when it names one that cannot be initialised, `initTestBackend` throws
 * instead of quietly testing another (CI must not pass on wasm when it meant to test native).
 *
 * Tests of wasm-only code (the hand-assembled kernels, the threaded build) run in the wasm pass
 * only: `WASM_ONLY` is the `skip` option that says so in the other pass.
 */
import { availableBackends, initBackend, type BackendName } from "./backend";

function fromEnv(): "tensorflow" | "wasm" | null {
  const v = process.env.ELBO_LAB_BACKEND;
  if (v === undefined || v === "") return null;
  if (v === "tensorflow" || v === "wasm") return v;
  throw new Error(`ELBO_LAB_BACKEND must be "tensorflow" or "wasm" for the tests, got ${JSON.stringify(v)}`);
}

/** The backend the tests of this process run on. */
export const BACKEND_UNDER_TEST: "tensorflow" | "wasm" =
  fromEnv() ?? (availableBackends().includes("tensorflow") ? "tensorflow" : "wasm");

/** Whether native TensorFlow (`@tensorflow/tfjs-node`, the real package) loads in this process. */
export const NATIVE_AVAILABLE: boolean = availableBackends().includes("tensorflow");

/** Initialises `backend` (default: the backend under test) and fails if another one came up. */
export async function initTestBackend(backend: BackendName = BACKEND_UNDER_TEST): Promise<BackendName> {
  const got = await initBackend({ prefer: backend });
  if (got !== backend) throw new Error(`the tests asked for the ${backend} backend and got ${got}`);
  return got;
}

/** `skip` option for tests of wasm-only code: run them in the wasm pass only. */
export const WASM_ONLY: false | string =
  BACKEND_UNDER_TEST === "wasm" ? false : "wasm-only code: runs in the ELBO_LAB_BACKEND=wasm pass";

/**
 * `skip` option for tests that do not depend on the backend under test (they start child
 * processes, or use both backends themselves): run them once, in the default pass. Where the
 * native backend is not built, the default pass is the wasm pass, so they run there.
 */
export const DEFAULT_PASS_ONLY: false | string =
  process.env.ELBO_LAB_BACKEND === "wasm" && NATIVE_AVAILABLE ? "backend-independent: runs in the default pass" : false;
