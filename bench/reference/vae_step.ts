/**
 * Benchmark (not a test): milliseconds per VAE training step (784-400-20-400-784, batch 128,
 * Adam) on the chosen backend: the hand-derived step (trainVae's default), and the autodiff
 * step with and without the explicit-transpose matMul gradient; and the time of one full epoch
 * (8000 images) with the default setting.
 *
 *   npx tsc -p . && node dist/bench/reference/vae_step.js [--backend wasm|cpu] [--steps 30] [--rounds 3] [--no-epoch]
 *
 * Run it on an otherwise idle machine: two benchmarks at once distort each other.
 */
import * as tf from "@tensorflow/tfjs";
import { initBackend, BackendName } from "../../src/tf/backend";
import { createVae, trainVae } from "../../src/tf/vae";
import { loadMnistSplit } from "../../src/tf/mnist";

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const backend = await initBackend({ prefer: (arg("backend") as BackendName | undefined) ?? "wasm" });
  const steps = Number(arg("steps") ?? 30);
  const split = loadMnistSplit();
  const subset = { train: { ...split.train, n: 128 * steps, x: split.train.x.subarray(0, 128 * steps * 784) }, test: { ...split.test, n: 128, x: split.test.x.subarray(0, 128 * 784) } };
  const result: Record<string, unknown> = { backend };
  // Alternate the two settings in rounds, so a load change on a shared machine hits both alike.
  const rounds = Number(arg("rounds") ?? 3);
  const ms: Record<string, number[]> = { analytic: [], trick: [], plain: [] };
  const variants = [
    { key: "analytic", options: { gradient: "analytic" as const } },
    { key: "trick", options: { gradient: "autodiff" as const, transposeTrick: true } },
    { key: "plain", options: { gradient: "autodiff" as const, transposeTrick: false } },
  ];
  for (let round = 0; round < rounds; round++) {
    for (const v of variants) {
      const vae = createVae({ seed: 1 });
      const times: number[] = [];
      await trainVae(vae, subset, { epochs: 1, ...v.options, onStep: (s) => times.push(s.ms) });
      vae.dispose();
      ms[v.key].push(...times.slice(2)); // drop warm-up steps
    }
  }
  const median = (a: number[]) => a.slice().sort((x, y) => x - y)[Math.floor(a.length / 2)];
  result.msPerStepAnalytic = median(ms.analytic);
  result.msPerStepTransposeTrick = median(ms.trick);
  result.msPerStepPlainMatMul = median(ms.plain);
  result.speedup = median(ms.plain) / median(ms.trick);
  result.speedupAnalytic = median(ms.trick) / median(ms.analytic);
  if (!process.argv.includes("--no-epoch")) {
    const vae = createVae({ seed: 1 });
    const r = await trainVae(vae, split, { epochs: 1 });
    result.fullEpochTrainSeconds = r.history[0].trainSeconds;
    result.testElboAfter1Epoch = r.history[0].test.elbo;
    vae.dispose();
  }
  result.numTensors = tf.memory().numTensors;
  console.log(JSON.stringify(result, null, 2));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
