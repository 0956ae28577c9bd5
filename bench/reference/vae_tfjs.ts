/**
 * Benchmark (not a test): trains ELBO Lab's tfjs VAE on the fixed MNIST split and records the
 * test ELBO per epoch in bench/vae-reference.json, next to the PyTorch reference
 * (bench/reference/vae_torch.py), which reads the split this script writes to
 * build/mnist-split.json.
 *
 *   npx tsc -p . && node dist/bench/reference/vae_tfjs.js [--epochs 10] [--seeds 1,2,3]
 *   /usr/bin/python3 bench/reference/vae_torch.py [--epochs 10] [--seeds 1,2,3]
 *
 * Same model (784-400-20-400-784, ReLU, Glorot-uniform weights, zero biases), binarisation
 * (grey > 0.5), batch size 128, Adam lr 1e-3, one z draw per image, closed-form KL.
 */
import * as fs from "fs";
import * as path from "path";
import { initBackend } from "../../src/tf/backend";
import { loadMnistSplit, writeMnistSplit } from "../../src/tf/mnist";
import { createVae, saveVae, trainVae } from "../../src/tf/vae";

const ROOT = path.resolve(__dirname, "../../..");
const OUT = path.join(ROOT, "bench", "vae-reference.json");

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : dflt;
}

async function main(): Promise<void> {
  const epochs = Number(arg("epochs", "10"));
  const backend = await initBackend();
  const split = loadMnistSplit();
  writeMnistSplit(split, path.join(ROOT, "build", "mnist-split.json"));
  // Several seeds (weight init `seed`, batch order/ε `seed + 1`) show the run-to-run spread.
  const seeds = arg("seeds", "1").split(",").map(Number);
  const runs: { seed: number; totalSeconds: number; result: Awaited<ReturnType<typeof trainVae>> }[] = [];
  for (const seed of seeds) {
    const vae = createVae({ seed });
    const t0 = Date.now();
    const r = await trainVae(vae, split, {
      epochs,
      seed: seed + 1,
      iwaeKs: [1, 5, 50],
      iwaeEvery: epochs,
      onEpoch: (s) =>
        console.log(
          `seed ${seed} epoch ${s.epoch}: train ${s.train.elbo.toFixed(2)}  test ${s.test.elbo.toFixed(2)} ` +
            `(rec ${s.test.rec.toFixed(2)}, KL ${s.test.kl.toFixed(2)})  ${s.trainSeconds.toFixed(1)} s, ` +
            `${s.msPerStep.toFixed(1)} ms/step` +
            (Object.keys(s.testIwae).length ? `  IWAE ${JSON.stringify(s.testIwae)}` : ""),
        ),
    });
    runs.push({ seed, totalSeconds: (Date.now() - t0) / 1000, result: r });
    saveVae(vae, path.join(ROOT, "build", "models", `vae-20d-${epochs}ep-seed${seed}`), { epochs, seed, trainSeed: seed + 1 });
    vae.dispose();
  }
  const doc = fs.existsSync(OUT) ? (JSON.parse(fs.readFileSync(OUT, "utf8")) as Record<string, unknown>) : {};
  doc.description =
    "Test ELBO (nats per image, one z draw, closed-form KL) of the same VAE on the same split " +
    "(8000 train / 2000 test, seeded permutation of the npm mnist digits, grey > 0.5), batch 128, Adam 1e-3. " +
    "Written by bench/reference/vae_tfjs.ts and bench/reference/vae_torch.py.";
  doc.tfjs = {
    backend,
    gradient: runs[0].result.gradient,
    transposeTrick: runs[0].result.transposeTrick,
    epochs,
    date: new Date().toISOString(),
    runs: runs.map(({ seed, totalSeconds, result }) => ({
      seed,
      totalSeconds,
      perEpoch: result.history.map((h) => ({
        epoch: h.epoch,
        trainElbo: h.train.elbo,
        testElbo: h.test.elbo,
        testRec: h.test.rec,
        testKl: h.test.kl,
        trainSeconds: h.trainSeconds,
        msPerStep: h.msPerStep,
        ...(Object.keys(h.testIwae).length ? { testIwae: h.testIwae } : {}),
      })),
    })),
  };
  fs.writeFileSync(OUT, JSON.stringify(doc, null, 2) + "\n");
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
