/**
 * Measurement child: GFLOP/s of a dense 1024×1024 float32 matMul on a tfjs backend.
 *
 *   node dist/bench/cases/matmul.js '{"backend":"wasm","n":1024,"reps":20,"warmup":3}'
 *
 * Each timed product is read back (dataSync), so the time includes finishing the kernel.
 * Prints {backend, ms[], maxRssMb}; 2·n³ flops per product.
 */
import * as tf from "@tensorflow/tfjs";
import { initBackend, type BackendName } from "../../src/tf/backend";
import { childArgs, emit, maxRssMb, timeMs } from "../lib";

async function main(): Promise<void> {
  const a = childArgs({ backend: "" as BackendName | "", n: 1024, reps: 20, warmup: 3 });
  const backend = await initBackend(a.backend ? { prefer: a.backend } : {});
  const x = tf.randomUniform([a.n, a.n], 0, 1, "float32", 1) as tf.Tensor2D;
  const y = tf.randomUniform([a.n, a.n], 0, 1, "float32", 2) as tf.Tensor2D;
  const ms = timeMs(
    () => {
      const p = tf.matMul(x, y);
      p.dataSync();
      p.dispose();
    },
    a.reps,
    a.warmup,
  );
  emit({ backend, n: a.n, ms, numTensors: tf.memory().numTensors, maxRssMb: maxRssMb() });
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
