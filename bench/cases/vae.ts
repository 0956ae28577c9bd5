/**
 * Measurement child: images per second of VAE training (784-400-20-400-784, batch 128, Adam)
 * on a tfjs backend, with the library's own `trainVae` over the fixed MNIST split.
 *
 *   node dist/bench/cases/vae.js '{"backend":"wasm","epochs":3}'
 *   node dist/bench/cases/vae.js '{"backend":"cpu","steps":4}'     # a few steps, extrapolated
 *   node dist/bench/cases/vae.js '{"backend":"wasm","epochs":1,"gradient":"autodiff"}'   # tfjs autodiff step
 *   node dist/bench/cases/vae.js '{"backend":"wasm","epochs":2,"firstLayer":"dense"}'    # dense first layer
 *
 * Full mode: a short warm-up on another VAE, then `epochs` epochs of the 8000 training images;
 * per epoch the training seconds (evaluation excluded), images/s, train ELBO, RSS and the
 * tensor count (flat across epochs if nothing leaks). Step mode (`steps` > 0): times that many
 * steps after one warm-up step and extrapolates to an epoch — for the slow `cpu` backend.
 * `gradient`: "analytic" (default, the hand-derived backward pass) or "autodiff" (tfjs
 * `variableGrads`, the step before the analytic one existed) — for A/B runs. `firstLayer`:
 * "sparse" (default) or "dense", the analytic step's first layer (dense as PyTorch computes it,
 * for a like-for-like comparison); not passed with "autodiff" unless given explicitly (that
 * step is always dense, and trainVae then rejects it). The JSON echoes both, `firstLayer` as
 * trainVae reports it ("dense" for autodiff).
 */
import * as tf from "@tensorflow/tfjs";
import { initBackend, type BackendName } from "../../src/tf/backend";
import { loadMnistSplit, type DigitSet } from "../../src/tf/mnist";
import { createVae, trainVae, type VaeFirstLayer, type VaeGradientMode } from "../../src/tf/vae";
import { childArgs, emit, maxRssMb, median } from "../lib";

function head(set: DigitSet, n: number): DigitSet {
  return { x: set.x.subarray(0, n * 784), labels: set.labels.subarray(0, n), indices: set.indices.subarray(0, n), n };
}

async function main(): Promise<void> {
  const a = childArgs({ backend: "" as BackendName | "", epochs: 3, steps: 0, limitTrain: 0, warmupSteps: 3, seed: 1, gradient: "analytic" as VaeGradientMode, firstLayer: "sparse" as VaeFirstLayer });
  const { gradient } = a;
  // The default "sparse" is for the analytic step; with autodiff only an explicit value is passed on (and rejected).
  const givenFirstLayer = process.argv[2] ? "firstLayer" in (JSON.parse(process.argv[2]) as object) : false;
  // Unset: trainVae's default for the backend (dense on tensorflow, sparse on wasm).
  const firstLayer = givenFirstLayer ? a.firstLayer : undefined;
  const backend = await initBackend(a.backend ? { prefer: a.backend } : {});
  const split = loadMnistSplit();
  const train = a.limitTrain ? head(split.train, a.limitTrain) : split.train;
  const test = head(split.test, 256); // evaluation is not timed; keep it short
  const stepsPerEpoch = Math.ceil(train.n / 128);

  // Warm-up: a throwaway VAE, so the measured one starts from the same seeded weights.
  const warm = createVae({ seed: 99 });
  await trainVae(warm, { train: head(train, 128 * Math.max(1, a.warmupSteps)), test: head(test, 16) }, { epochs: 1, gradient, firstLayer });
  warm.dispose();

  if (a.steps > 0) {
    const vae = createVae({ seed: a.seed });
    const ms: number[] = [];
    const r = await trainVae(vae, { train: head(train, 128 * (a.steps + 1)), test: head(test, 16) }, { epochs: 1, gradient, firstLayer, onStep: (s) => ms.push(s.ms) });
    vae.dispose();
    const msPerStep = median(ms.slice(1));
    const seconds = (msPerStep * stepsPerEpoch) / 1000;
    emit({
      backend,
      gradient,
      firstLayer: r.firstLayer,
      mode: "extrapolated",
      stepsTimed: ms.length - 1,
      images: train.n,
      msPerStep,
      epochs: [{ epoch: 1, seconds, imagesPerSecond: train.n / seconds, msPerStep, trainElbo: NaN, rssMb: process.memoryUsage().rss / 2 ** 20, numTensors: tf.memory().numTensors }],
      maxRssMb: maxRssMb(),
    });
    return;
  }

  const vae = createVae({ seed: a.seed });
  const epochs: Record<string, number>[] = [];
  const r = await trainVae(vae, { train, test }, {
    epochs: a.epochs,
    seed: a.seed + 1,
    gradient,
    firstLayer,
    onEpoch: (s) => {
      epochs.push({
        epoch: s.epoch,
        seconds: s.trainSeconds,
        imagesPerSecond: train.n / s.trainSeconds,
        msPerStep: s.msPerStep,
        trainElbo: s.train.elbo,
        testElbo: s.test.elbo,
        rssMb: process.memoryUsage().rss / 2 ** 20,
        numTensors: s.numTensors,
      });
    },
  });
  vae.dispose();
  emit({ backend: r.backend, transposeTrick: r.transposeTrick, gradient: r.gradient, firstLayer: r.firstLayer, mode: "epochs", images: train.n, epochs, maxRssMb: maxRssMb() });
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
