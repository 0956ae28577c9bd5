/**
 * The pthread worker of tfjs-backend-wasm's threaded build, as a file Node's `worker_threads`
 * can start (see `wasm-threads.ts`).
 *
 * tfjs ships the worker only as a string (`wasmWorkerContents`) and starts it from a `blob:`
 * URL, which Node's `Worker` rejects (ERR_WORKER_PATH). The string is emscripten's worker
 * script; it detects Node and takes `require`, `__filename` and `worker_threads` from its scope,
 * so it is evaluated here, in this module's scope. Its newlines are escaped first, as tfjs does
 * before making the blob (the string holds "\n" escapes that became real newlines).
 */
// eslint-disable-next-line @typescript-eslint/no-var-requires
const { wasmWorkerContents } = require("@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.worker.js") as {
  wasmWorkerContents: string;
};
eval(wasmWorkerContents.replace(/\n/g, "\\n"));
