/**
 * Per-kernel profile of the VAE training step (784-400-20-400-784, batch 128, Adam) on a tfjs
 * backend: where a step's time goes.
 *
 *   npm run bench:profile-vae -- [--label current] [--backend wasm] [--steps 20] [--rounds 3] [--warmup 60] [--gradient analytic|autodiff] [--micro]
 *
 * 1. Wall time: `rounds` blocks of `steps` steps of `createVaeTrainer` (the inner loop of
 *    `trainVae`, same code) after a warm-up, without the profiler; median ms per step, and the
 *    trainer's own phase split (gradient / optimizer update / loss read-back).
 * 2. Kernels: `tf.profile` around each of `steps` more steps. Every registered kernel call is
 *    timed by tfjs around the backend's kernel function; calls are grouped by kernel name and
 *    input shapes, and a group's ms/step is the median over the steps of its summed time. Composite entries (a `tf.customGrad` forward, which runs registered kernels
 *    inside) are listed apart and left out of the sums, so no time is counted twice.
 *    FLOPs of a matrix product are 2·M·N·K from its shapes.
 * 3. With `--micro`, single-kernel timings that explain the table (a product whose B operand is
 *    new against one whose XNNPACK packing is cached, the loss's element-wise kernels, a gather).
 * 4. Writes the result under `label` into bench/vae-profile.json and the table between
 *    `<!-- profile:<label>:begin -->` and `<!-- profile:<label>:end -->` in bench/VAE-PROFILE.md
 *    (the rest of that file is prose and is kept).
 *
 * Run it on an otherwise idle machine; the load average is recorded with the result.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { initBackend, type BackendName } from "../src/tf/backend";
import { loadMnistSplit } from "../src/tf/mnist";
import { createRng, permutation } from "../src/random";
import { createVae, createVaeTrainer, type VaeGradientMode } from "../src/tf/vae";
import type { VaeTrainer } from "../src/tf/vae-trainer";
import { benchRoot, median } from "./lib";

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : dflt;
}

/** Matrix-product kernels, whose FLOP rate is reported. */
const MATMUL_KERNELS = new Set(["BatchMatMul", "_FusedMatMul"]);

/** 2·M·N·K of a (batched) matrix product, from its input and output shapes. */
function matMulFlops(inputShapes: number[][], outputShape: number[]): number {
  const a = inputShapes[0];
  const m = outputShape[outputShape.length - 2];
  const n = outputShape[outputShape.length - 1];
  // K is the dimension of `a` that is not M (a is M×K, or K×M when transposed).
  const k = a[a.length - 2] === m ? a[a.length - 1] : a[a.length - 2];
  const batch = outputShape.slice(0, -2).reduce((p, d) => p * d, 1);
  return 2 * batch * m * n * k;
}

interface KernelRow {
  kernel: string;
  inputShapes: number[][];
  outputShape: number[];
  callsPerStep: number;
  msPerStep: number;
  /** Share of the measured wall time of a step (unprofiled). */
  pctOfStep: number;
  msPerCall: number;
  gflops?: number;
}

function stepper(trainer: VaeTrainer, n: number, seed: number, batch: number): (count: number) => number[] {
  const rng = createRng(seed);
  let order = permutation(n, rng);
  let at = 0;
  return (count) => {
    const ms: number[] = [];
    for (let i = 0; i < count; i++) {
      if (at + batch > n) {
        order = permutation(n, rng);
        at = 0;
      }
      const t = performance.now();
      trainer.step(order.subarray(at, at + batch), rng.nextUint32());
      ms.push(performance.now() - t);
      at += batch;
    }
    return ms;
  };
}

/** HEAD's short hash, with "-dirty" when the code measured here (src/tf, bench) has uncommitted changes. */
function gitCommit(root: string): string {
  const head = spawnSync("git", ["rev-parse", "--short", "HEAD"], { cwd: root, encoding: "utf8" });
  if (head.status !== 0) return "unknown";
  const st = spawnSync("git", ["status", "--porcelain", "--", "src/tf", "bench/profile-vae.ts", "bench/cases"], { cwd: root, encoding: "utf8" });
  return head.stdout.trim() + (st.stdout.trim() ? "-dirty" : "");
}

function fmt(x: number, digits: number): string {
  return Number.isFinite(x) ? x.toFixed(digits) : "—";
}

function markdownSection(p: Record<string, unknown> & { kernels: KernelRow[]; composite: KernelRow[] }): string {
  const w = p.wall as { msPerStep: number; min: number; max: number };
  const ph = p.phasesMsPerStep as Record<string, number>;
  const lines: string[] = [];
  lines.push(`### Profile "${String(p.label)}" (${String(p.date)}, commit ${String(p.commit)})`);
  lines.push("");
  lines.push(`Command: \`${String(p.command)}\``);
  lines.push("");
  lines.push(
    `Backend ${String(p.backend)}, ${String(p.gradient)} gradient, batch ${String(p.batchSize)}; 1-minute load average ${String(p.loadBefore)} before, ${String(p.loadAfter)} after ` +
      `(on 2 cores, above ~0.3 someone else was running).`,
  );
  lines.push("");
  lines.push(
    `Wall time (unprofiled, median of ${String(p.stepsTimed)} steps): **${fmt(w.msPerStep, 2)} ms/step** (range ${fmt(w.min, 2)}–${fmt(w.max, 2)}); ` +
      `phases: gradient ${fmt(ph.gradientMs, 2)} ms, optimizer update ${fmt(ph.updateMs, 2)} ms, loss read-back ${fmt(ph.readMs, 2)} ms. ` +
      `Under the profiler: ${fmt(p.kernelMsPerStep as number, 2)} ms/step inside ${fmt(p.kernelsPerStep as number, 0)} kernel calls; ` +
      `the rest of the wall time, ${fmt(p.outsideKernelsMsPerStep as number, 2)} ms/step, is outside tfjs kernels.`,
  );
  const own = Object.entries(p.ownKernelsMsPerStep as Record<string, number>);
  const ownTotal = own.reduce((a, [, v]) => a + v, 0);
  lines.push("");
  lines.push(
    own.length > 0
      ? `Of that, this project's own WebAssembly kernels (\`src/tf/wasm-kernels.ts\`) take ${fmt(ownTotal, 2)} ms: ` +
          own.map(([k, v]) => `${k} ${fmt(v, 3)}`).join(", ") +
          `; the remaining ${fmt((p.outsideKernelsMsPerStep as number) - ownTotal, 2)} ms is JavaScript (batch assembly, ε draws, the latent part, tensor bookkeeping).`
      : "Outside tfjs kernels everything is JavaScript (tfjs engine and autodiff bookkeeping, the optimizer's JS loop, uploads).",
  );
  lines.push("");
  lines.push("| kernel | input shapes | calls/step | ms/step | % of step | ms/call | GFLOP/s |");
  lines.push("| --- | --- | ---: | ---: | ---: | ---: | ---: |");
  const shown = p.kernels.filter((k) => k.msPerStep >= 0.01);
  for (const k of shown) {
    lines.push(
      `| ${k.kernel} | ${k.inputShapes.map((s) => `[${s.join("×")}]`).join(" ")} | ${fmt(k.callsPerStep, 0)} | ${fmt(k.msPerStep, 3)} | ` +
        `${fmt(k.pctOfStep, 1)} | ${fmt(k.msPerCall, 3)} | ${k.gflops === undefined ? "" : fmt(k.gflops, 1)} |`,
    );
  }
  const rest = p.kernels.slice(shown.length);
  if (rest.length > 0) {
    const restMs = rest.reduce((a, k) => a + k.msPerStep, 0);
    const restCalls = rest.reduce((a, k) => a + k.callsPerStep, 0);
    lines.push(`| ${rest.length} more groups under 0.01 ms/step each | | ${fmt(restCalls, 0)} | ${fmt(restMs, 3)} | ${fmt((100 * restMs) / w.msPerStep, 1)} | | |`);
  }
  const mm = p.kernels.filter((k) => k.gflops !== undefined);
  const mmMs = mm.reduce((s, k) => s + k.msPerStep, 0);
  const mmFlops = p.matMulFlopsPerStep as number;
  lines.push("");
  lines.push(
    `Matrix products: ${fmt(mmMs, 2)} ms/step (${fmt((100 * mmMs) / w.msPerStep, 0)} % of the step) for ${fmt(mmFlops / 1e6, 0)} MFLOP, ` +
      `${fmt(mmFlops / 1e6 / mmMs, 1)} GFLOP/s on average. Everything else in kernels: ${fmt((p.kernelMsPerStep as number) - mmMs, 2)} ms/step.`,
  );
  if (p.composite.length > 0) {
    lines.push("");
    lines.push(
      "Composite entries (not counted above; their time is that of the kernels they ran plus JS): " +
        p.composite.map((k) => `${k.kernel} ${k.inputShapes.map((s) => `[${s.join("×")}]`).join(" ")} ×${fmt(k.callsPerStep, 0)} ${fmt(k.msPerStep, 2)} ms`).join("; ") +
        ".",
    );
  }
  const micro = p.micro as { name: string; ms: number; gflops?: number }[];
  if (micro.length > 0) {
    lines.push("");
    lines.push("Single kernels (`--micro`, median of 30 calls):");
    lines.push("");
    lines.push("| kernel | ms | GFLOP/s |");
    lines.push("| --- | ---: | ---: |");
    for (const m of micro) lines.push(`| ${m.name} | ${fmt(m.ms, 3)} | ${m.gflops === undefined ? "" : fmt(m.gflops, 1)} |`);
  }
  return lines.join("\n");
}

function writeMarkdown(file: string, label: string, section: string): void {
  const begin = `<!-- profile:${label}:begin -->`;
  const end = `<!-- profile:${label}:end -->`;
  const block = `${begin}\n${section}\n${end}`;
  let text = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "# VAE training step: where the time goes\n";
  const i = text.indexOf(begin);
  const j = text.indexOf(end);
  if (i >= 0 && j > i) text = text.slice(0, i) + block + text.slice(j + end.length);
  else text = text.replace(/\s*$/, "\n\n") + block + "\n";
  fs.writeFileSync(file, text);
}

/** Median ms of `f` over `reps` calls after 3 untimed ones; tensors it returns are freed. */
function timeKernel(f: () => tf.TensorContainer, reps = 30): number {
  for (let i = 0; i < 3; i++) tf.dispose(f());
  const ms: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t = performance.now();
    const r = f();
    ms.push(performance.now() - t);
    tf.dispose(r);
  }
  return median(ms);
}

/**
 * Single-kernel timings behind the profile's reading: a product with a B operand that is
 * new (as every weight is after an optimizer step, and every activation) against one whose
 * XNNPACK packing is cached; the element-wise kernels of the loss; gathering a batch.
 */
function microBenchmarks(): { name: string; ms: number; gflops?: number }[] {
  const out: { name: string; ms: number; gflops?: number }[] = [];
  const add = (name: string, ms: number, flops = 0) => out.push(flops ? { name, ms, gflops: flops / 1e6 / ms } : { name, ms });
  const R = (shape: number[], seed: number) => tf.randomNormal(shape, 0, 1, "float32", seed);
  const products: [string, number[], number[]][] = [
    ["x·W₁ [128×784]·[784×400]", [128, 784], [784, 400]],
    ["W₁ᵀ·xᵀ [400×784]·[784×128]", [400, 784], [784, 128]],
    ["h₂ᵀ·∂l [400×128]·[128×784]", [400, 128], [128, 784]],
  ];
  for (const [name, as, bs] of products) {
    const a = R(as, 1), b = R(bs, 2);
    const flops = 2 * as[0] * as[1] * bs[1];
    add(`matMul ${name}, B packed once (cached)`, timeKernel(() => tf.matMul(a, b)), flops);
    add(`matMul ${name}, B a new tensor each call`, timeKernel(() => {
      const fresh = tf.clone(b);
      const y = tf.matMul(a, fresh);
      fresh.dispose();
      return y;
    }), flops);
    tf.dispose([a, b]);
  }
  const l = R([128, 784], 3);
  add("Softplus [128×784]", timeKernel(() => tf.softplus(l)));
  add("Sigmoid [128×784]", timeKernel(() => tf.sigmoid(l)));
  const pos = tf.abs(l);
  add("Log [128×784]", timeKernel(() => tf.log(pos)));
  const w2 = R([400, 784], 4);
  add("Transpose [400×784]", timeKernel(() => tf.transpose(w2)));
  const all = R([8000, 784], 5);
  const idx = tf.tensor1d(Int32Array.from({ length: 128 }, (_, i) => (i * 61) % 8000), "int32");
  add("GatherV2 128 rows of [8000×784]", timeKernel(() => tf.gather(all, idx)));
  const rows = new Float32Array(128 * 784);
  add("tf.tensor2d upload of a [128×784] batch from JS", timeKernel(() => tf.tensor2d(rows, [128, 784])));
  const w = R([784, 400], 6);
  add("dataSync of a [784×400] tensor (copy)", timeKernel(() => {
    w.dataSync();
    return [];
  }));
  tf.dispose([l, pos, w2, all, idx, w]);
  return out;
}

async function main(): Promise<void> {
  const root = benchRoot();
  const label = arg("label", "current");
  const steps = Number(arg("steps", "20"));
  const rounds = Number(arg("rounds", "3"));
  const warmup = Number(arg("warmup", "60")); // V8 tiers the step up over its first ~60 runs
  const batch = Number(arg("batch", "128"));
  const loadBefore = os.loadavg()[0].toFixed(2);
  const backend = await initBackend({ prefer: arg("backend", "wasm") as BackendName });
  const split = loadMnistSplit();
  const vae = createVae({ seed: 1 });
  const gradient = arg("gradient", "analytic") as VaeGradientMode;
  const trainer = createVaeTrainer(vae, split.train, { gradient });
  const run = stepper(trainer, split.train.n, 3, batch);

  run(warmup);
  const wallMs: number[] = [];
  const phaseMs: Record<"gradientMs" | "updateMs" | "readMs", number[]> = { gradientMs: [], updateMs: [], readMs: [] };
  const ownMs: Record<string, number[]> = {};
  for (let r = 0; r < rounds; r++) {
    const before = { ...trainer.timing, ownKernelsMs: { ...trainer.timing.ownKernelsMs } };
    wallMs.push(...run(steps));
    for (const k of ["gradientMs", "updateMs", "readMs"] as const) phaseMs[k].push((trainer.timing[k] - before[k]) / steps);
    for (const [k, v] of Object.entries(trainer.timing.ownKernelsMs ?? {})) (ownMs[k] ??= []).push((v - (before.ownKernelsMs[k] ?? 0)) / steps);
  }
  const wall = median(wallMs);

  const tensorsBefore = tf.memory().numTensors;
  // One tf.profile per step, so that each kernel group's figure is a median over steps (robust
  // to a step that another process on the machine slowed down).
  type Group = { kernel: string; inputShapes: number[][]; outputShape: number[]; calls: number; perStepMs: number[]; composite: boolean };
  const groups = new Map<string, Group>();
  for (let s = 0; s < steps; s++) {
    const info = await tf.profile(() => {
      run(1);
    });
    for (const k of info.kernels) {
      const inputShapes = k.inputShapes as number[][];
      const outputShape = (k.outputShapes[0] ?? []) as number[];
      const key = `${k.name} ${JSON.stringify(inputShapes)}`;
      let g = groups.get(key);
      if (g === undefined) {
        g = { kernel: k.name, inputShapes, outputShape, calls: 0, perStepMs: [], composite: tf.getKernel(k.name, backend) == null };
        groups.set(key, g);
      }
      while (g.perStepMs.length <= s) g.perStepMs.push(0);
      g.calls++;
      g.perStepMs[s] += k.kernelTimeMs as number;
    }
  }
  for (const g of groups.values()) while (g.perStepMs.length < steps) g.perStepMs.push(0);
  const tensorsAfter = tf.memory().numTensors;
  const toRow = (g: Group): KernelRow => {
    const msPerStep = median(g.perStepMs);
    const callsPerStep = g.calls / steps;
    const row: KernelRow = {
      kernel: g.kernel,
      inputShapes: g.inputShapes,
      outputShape: g.outputShape,
      callsPerStep,
      msPerStep,
      pctOfStep: (100 * msPerStep) / wall,
      msPerCall: msPerStep / callsPerStep,
    };
    if (MATMUL_KERNELS.has(g.kernel)) row.gflops = matMulFlops(g.inputShapes, g.outputShape) / 1e6 / row.msPerCall;
    return row;
  };
  const all = [...groups.values()];
  const kernels = all.filter((g) => !g.composite).map(toRow).sort((a, b) => b.msPerStep - a.msPerStep);
  const composite = all.filter((g) => g.composite).map(toRow).sort((a, b) => b.msPerStep - a.msPerStep);
  const kernelMsPerStep = kernels.reduce((s, k) => s + k.msPerStep, 0);
  const matMulFlopsPerStep = all
    .filter((g) => !g.composite && MATMUL_KERNELS.has(g.kernel))
    .reduce((s, g) => s + (matMulFlops(g.inputShapes, g.outputShape) * g.calls) / steps, 0);
  trainer.dispose();
  vae.dispose();
  const micro = process.argv.includes("--micro") ? microBenchmarks() : [];

  const argv = process.argv.slice(2).join(" ");
  const result = {
    label,
    command: `npm run bench:profile-vae${argv ? ` -- ${argv}` : ""}`,
    date: new Date().toISOString(),
    commit: gitCommit(root),
    node: process.version,
    cpus: os.cpus().length,
    backend,
    gradient,
    batchSize: batch,
    loadBefore,
    loadAfter: os.loadavg()[0].toFixed(2),
    stepsTimed: wallMs.length,
    wall: { msPerStep: wall, min: Math.min(...wallMs), max: Math.max(...wallMs), imagesPerSecond: (1000 * batch) / wall },
    phasesMsPerStep: { gradientMs: median(phaseMs.gradientMs), updateMs: median(phaseMs.updateMs), readMs: median(phaseMs.readMs) },
    /** This project's own WebAssembly kernels (not tfjs kernels), ms per step. */
    ownKernelsMsPerStep: Object.fromEntries(Object.entries(ownMs).map(([k, v]) => [k, median(v)])),
    stepsProfiled: steps,
    kernelMsPerStep,
    kernelsPerStep: kernels.reduce((s, k) => s + k.callsPerStep, 0),
    outsideKernelsMsPerStep: wall - kernelMsPerStep,
    matMulFlopsPerStep,
    tensorLeakDuringProfile: tensorsAfter - tensorsBefore,
    kernels,
    composite,
    micro,
  };

  const jsonFile = path.join(root, "bench", "vae-profile.json");
  const doc = fs.existsSync(jsonFile) ? (JSON.parse(fs.readFileSync(jsonFile, "utf8")) as Record<string, unknown>) : {};
  doc.description =
    "Per-kernel profile of one VAE training step (784-400-20-400-784, batch 128, Adam) by bench/profile-vae.ts; " +
    "one entry per label. msPerStep of a kernel group (name + input shapes) is the median over the profiled steps of its summed kernel time in the step.";
  const profiles = (doc.profiles ?? {}) as Record<string, unknown>;
  profiles[label] = result;
  doc.profiles = profiles;
  fs.writeFileSync(jsonFile, JSON.stringify(doc, null, 2) + "\n");
  writeMarkdown(path.join(root, "bench", "VAE-PROFILE.md"), label, markdownSection(result));

  console.log(`${label}: ${wall.toFixed(2)} ms/step wall, ${kernelMsPerStep.toFixed(2)} ms in ${result.kernelsPerStep} kernels, ` + `${result.outsideKernelsMsPerStep.toFixed(2)} ms outside`);
  for (const k of kernels.slice(0, 12)) {
    console.log(
      `  ${k.msPerStep.toFixed(3).padStart(7)} ms  ${String(k.callsPerStep).padStart(3)}×  ${k.kernel} ${JSON.stringify(k.inputShapes)}` +
        (k.gflops === undefined ? "" : `  ${k.gflops.toFixed(1)} GFLOP/s`),
    );
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
