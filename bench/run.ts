/**
 * `npm run bench [-- options]` — ELBO Lab against the tools users would otherwise reach for
 * (NumPy, PyTorch, `jupyter nbconvert --execute`), on this machine, in one run.
 *
 * Writes `<out>/results.json` (machine, versions, backends, BLAS, load, every figure's median
 * and spread over rounds, every ratio taken round by round) and `<out>/RESULTS.md`.
 *
 * Method: each measurement runs in a child process of its own (so peak RSS never mixes), does
 * its own warm-up, then times several repetitions; a child's figure is the median of those.
 * Rounds alternate ours and the peer (ours, peer, ours, peer, …) so a change in the machine's
 * load hits both alike; a ratio is computed inside each round, and its median and range over
 * the rounds are reported. Timings never gate anything: this is not a test.
 *
 * Options:
 *   --tiny               seconds in total: small sizes, one round (also env ELBO_LAB_BENCH_TINY=1)
 *   --out DIR            where results.json and RESULTS.md go (default bench/)
 *   --rounds N           rounds per section (default 5; suite 2; tiny 1)
 *   --only a,b           sections among mc, vae, matmul, suite
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { spawnSync } from "node:child_process";
import { writeKernelSpec } from "../kernel/jupyter";
import { buildName } from "../runner/run";
import { PYTHON, benchRoot, jsVersions, loadSnapshot, machineInfo, runChild, spread, median, type ChildResult, type Spread } from "./lib";

const SECTIONS = ["mc", "vae", "matmul", "suite"] as const;
type Section = (typeof SECTIONS)[number];

interface Options {
  tiny: boolean;
  out: string;
  rounds: number | null;
  only: Section[];
}

/** One measured figure: a median over rounds with its spread. */
export interface Figure extends Spread {
  id: string;
  section: Section;
  label: string;
  unit: string;
  who: "ours" | "peer" | "ceiling";
  tool: string;
  values: number[];
  maxRssMb: number | null;
  note?: string;
}

/** Ours over a peer, as a throughput ratio (> 1: ours is faster), taken round by round. */
export interface Ratio extends Spread {
  id: string;
  ours: string;
  peer: string;
  values: number[];
  target?: number;
  met?: boolean;
}

export interface Results {
  schema: "elbo-lab-bench/1";
  date: string;
  command: string;
  tiny: boolean;
  rounds: Record<string, number>;
  machine: Record<string, unknown>;
  versions: Record<string, unknown>;
  load: { when: string; loadAvg: number[]; top: string[] }[];
  figures: Figure[];
  ratios: Ratio[];
  targets: { name: string; target: string; value: number | null; met: boolean | null; note: string }[];
  skipped: { what: string; why: string }[];
  notes: string[];
  details: Record<string, unknown>;
}

function parseOptions(argv: string[]): Options {
  const root = benchRoot();
  const o: Options = { tiny: process.env.ELBO_LAB_BENCH_TINY === "1", out: path.join(root, "bench"), rounds: null, only: [...SECTIONS] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--tiny") o.tiny = true;
    else if (a === "--out") o.out = path.resolve(argv[++i]);
    else if (a === "--rounds") o.rounds = Math.max(1, Math.floor(Number(argv[++i])));
    else if (a === "--only") o.only = argv[++i].split(",").filter((s): s is Section => (SECTIONS as readonly string[]).includes(s));
    else if (a === "-h" || a === "--help") {
      console.log(fs.readFileSync(__filename.replace(/\.js$/, ".js"), "utf8").split("*/")[0]);
      process.exit(0);
    } else throw new Error(`bench: unknown option ${a}`);
  }
  return o;
}

/** Whether /usr/bin/python3 can import these modules (peers are skipped cleanly when not). */
function pythonHas(modules: string[]): { ok: boolean; why: string } {
  const r = spawnSync(PYTHON, ["-c", `import ${modules.join(", ")}`], { encoding: "utf8" });
  if (r.error) return { ok: false, why: `${PYTHON} not found` };
  if (r.status !== 0) return { ok: false, why: `${PYTHON}: ${(r.stderr || "").trim().split("\n").pop()}` };
  return { ok: true, why: "" };
}

function pythonVersions(): Record<string, unknown> {
  const code = [
    "import json, sys",
    "d = {'python': sys.version.split()[0]}",
    "try:\n import numpy; d['numpy'] = numpy.__version__\nexcept Exception: pass",
    "try:\n import torch, re; d['torch'] = torch.__version__; c = torch.__config__.show(); m = re.search(r'BLAS_INFO=(\\w+)', c); d['torchBlasInfo'] = m and m.group(1)\nexcept Exception: pass",
    "try:\n import nbconvert, nbclient; d['nbconvert'] = nbconvert.__version__; d['nbclient'] = nbclient.__version__\nexcept Exception: pass",
    "print(json.dumps(d))",
  ].join("\n");
  const r = spawnSync(PYTHON, ["-c", code], { encoding: "utf8" });
  try {
    return JSON.parse(r.stdout.trim()) as Record<string, unknown>;
  } catch {
    return { python: "absent" };
  }
}

/** The BLAS a python process with numpy + torch loads, from its /proc/self/maps. */
function pythonBlas(): string[] {
  const r = spawnSync(PYTHON, ["-c", "import numpy\ntry:\n import torch\nexcept Exception: pass\nprint('\\n'.join(sorted({l.split()[-1] for l in open('/proc/self/maps') if any(s in l for s in ('blas', 'lapack', 'mkl'))})))"], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim().split("\n").filter(Boolean) : [];
}

function threadEnv(threads: number): NodeJS.ProcessEnv {
  const n = String(threads);
  return { ...process.env, OMP_NUM_THREADS: n, OPENBLAS_NUM_THREADS: n, MKL_NUM_THREADS: n };
}

function checkChild(what: string, r: ChildResult): Record<string, unknown> {
  if (r.code !== 0 || r.json === null) {
    throw new Error(`bench: ${what} failed (exit ${r.code}):\n${r.stderr.trim().split("\n").slice(-15).join("\n")}`);
  }
  return r.json;
}

class Bench {
  readonly root = benchRoot();
  readonly results: Results;
  readonly node = process.execPath;

  constructor(readonly o: Options) {
    this.results = {
      schema: "elbo-lab-bench/1",
      date: new Date().toISOString(),
      command: `npm run bench${o.tiny ? " -- --tiny" : ""}${o.rounds ? ` --rounds ${o.rounds}` : ""}${o.only.length < SECTIONS.length ? ` --only ${o.only.join(",")}` : ""}`,
      tiny: o.tiny,
      rounds: {},
      machine: machineInfo(),
      versions: { ...jsVersions() },
      load: [],
      figures: [],
      ratios: [],
      targets: [],
      skipped: [],
      notes: [],
      details: {},
    };
  }

  rounds(section: Section, full: number): number {
    const n = this.o.tiny ? 1 : this.o.rounds ?? full;
    this.results.rounds[section] = n;
    return n;
  }

  load(when: string): void {
    this.results.load.push({ when, ...loadSnapshot() });
  }

  nodeCase(name: string, args: object, env?: NodeJS.ProcessEnv): Promise<ChildResult> {
    return runChild(this.node, [path.join(this.root, "dist", "bench", "cases", `${name}.js`), JSON.stringify(args)], { env, cwd: this.root });
  }

  pyPeer(name: string, args: object, env?: NodeJS.ProcessEnv): Promise<ChildResult> {
    return runChild(PYTHON, [path.join(this.root, "bench", "peers", `${name}.py`), JSON.stringify(args)], { env, cwd: this.root });
  }

  figure(f: Omit<Figure, keyof Spread>): Figure {
    const fig: Figure = { ...f, ...spread(f.values) };
    this.results.figures.push(fig);
    return fig;
  }

  /** Ratio of two figures' per-round values (throughput: ours / peer; time-like: peer / ours). */
  ratio(id: string, ours: Figure, peer: Figure, higherIsBetter: boolean, target?: number): Ratio {
    const n = Math.min(ours.values.length, peer.values.length);
    const values: number[] = [];
    for (let i = 0; i < n; i++) values.push(higherIsBetter ? ours.values[i] / peer.values[i] : peer.values[i] / ours.values[i]);
    const r: Ratio = { id, ours: ours.id, peer: peer.id, values, ...spread(values) };
    if (target !== undefined) {
      r.target = target;
      r.met = r.median >= target;
    }
    this.results.ratios.push(r);
    return r;
  }

  skip(what: string, why: string): void {
    this.results.skipped.push({ what, why });
    console.log(`  skipped ${what}: ${why}`);
  }

  // ───────────────────────────── 1. Monte Carlo ELBO / IWAE ─────────────────────────────
  async mc(): Promise<void> {
    const tiny = this.o.tiny;
    const args = tiny ? { n: 10_000, k: 10, groups: 100, reps: 1, warmup: 1 } : { n: 1_000_000, k: 100, groups: 10_000, reps: 7, warmup: 2 };
    const rounds = this.rounds("mc", 5);
    const numpy = pythonHas(["numpy"]);
    if (!numpy.ok) this.skip("NumPy peer (Monte Carlo)", numpy.why);
    const v: Record<string, number[]> = { oursMc: [], oursIwae: [], npMc: [], npIwae: [], npbMc: [], npbIwae: [], nppMc: [] };
    const rss: Record<string, number[]> = { ours: [], np: [] };
    let last: Record<string, unknown> = {};
    for (let r = 0; r < rounds; r++) {
      const ours = checkChild("ours mc", await this.nodeCase("mc", args));
      v.oursMc.push(args.n / (median(ours.mcMs as number[]) / 1000));
      v.oursIwae.push((args.k * args.groups) / (median(ours.iwaeMs as number[]) / 1000));
      rss.ours.push(ours.maxRssMb as number);
      last = { ours };
      if (numpy.ok) {
        const np = checkChild("numpy mc", await this.pyPeer("mc_numpy", args, threadEnv(1)));
        v.npMc.push(args.n / (median(np.suffstatsMcMs as number[]) / 1000));
        v.npIwae.push((args.k * args.groups) / (median(np.suffstatsIwaeMs as number[]) / 1000));
        v.npbMc.push(args.n / (median(np.broadcastMcMs as number[]) / 1000));
        v.npbIwae.push((args.k * args.groups) / (median(np.broadcastIwaeMs as number[]) / 1000));
        v.nppMc.push(args.n / (median(np.powersumsMcMs as number[]) / 1000));
        rss.np.push(np.maxRssMb as number);
        last.numpy = np;
        this.results.versions.numpy = np.numpy;
        this.results.versions.numpyBlas = np.blas;
      }
    }
    const size = `normal-normal, 10 obs, ${args.n.toExponential(0)} samples`;
    const oMc = this.figure({ id: "mc.ours", section: "mc", label: `Monte Carlo ELBO (${size})`, unit: "samples/s", who: "ours", tool: "ELBO Lab mcElbo (TS, float64, ziggurat; quadratic log-weights: power sums of the draws)", values: v.oursMc, maxRssMb: Math.max(...rss.ours) });
    const oIw = this.figure({ id: "iwae.ours", section: "mc", label: `IWAE bound (K = ${args.k}, ${args.groups} groups)`, unit: "samples/s", who: "ours", tool: "ELBO Lab iwaeBound", values: v.oursIwae, maxRssMb: Math.max(...rss.ours) });
    this.results.details.mcEstimates = {
      ours: { mc: (last.ours as Record<string, unknown>).mcEstimate, iwae: (last.ours as Record<string, unknown>).iwaeEstimate },
      numpy: last.numpy ? { mc: (last.numpy as Record<string, unknown>).suffstatsMcEstimate, iwae: (last.numpy as Record<string, unknown>).suffstatsIwaeEstimate } : null,
    };
    if (numpy.ok) {
      const rssNp = Math.max(...rss.np);
      const nMc = this.figure({ id: "mc.numpy", section: "mc", label: oMc.label, unit: "samples/s", who: "peer", tool: "NumPy, data summed first (a weight per draw)", values: v.npMc, maxRssMb: rssNp });
      const nIw = this.figure({ id: "iwae.numpy", section: "mc", label: oIw.label, unit: "samples/s", who: "peer", tool: "NumPy, data summed first", values: v.npIwae, maxRssMb: rssNp });
      const bMc = this.figure({ id: "mc.numpy-broadcast", section: "mc", label: oMc.label, unit: "samples/s", who: "peer", tool: "NumPy, textbook broadcast over (n, 10)", values: v.npbMc, maxRssMb: rssNp });
      const bIw = this.figure({ id: "iwae.numpy-broadcast", section: "mc", label: oIw.label, unit: "samples/s", who: "peer", tool: "NumPy, textbook broadcast", values: v.npbIwae, maxRssMb: rssNp });
      const pMc = this.figure({ id: "mc.numpy-powersums", section: "mc", label: oMc.label, unit: "samples/s", who: "peer", tool: "NumPy, power sums of the draws (ELBO Lab's own algorithm)", values: v.nppMc, maxRssMb: rssNp });
      const r1 = this.ratio("mc.ours/numpy", oMc, nMc, true, 3);
      const r2 = this.ratio("mc.ours/numpy-broadcast", oMc, bMc, true, 3);
      const r3 = this.ratio("mc.ours/numpy-powersums", oMc, pMc, true, 3);
      this.ratio("iwae.ours/numpy", oIw, nIw, true);
      this.ratio("iwae.ours/numpy-broadcast", oIw, bIw, true);
      this.results.targets.push({
        name: "Monte Carlo ELBO ≥ 3× NumPy samples/s",
        target: "≥ 3",
        value: r1.median,
        met: r1.median >= 3,
        note: `against NumPy with the data summed first (a log-weight per draw); against NumPy written with ELBO Lab's power-sum algorithm: ${r3.median.toFixed(2)}×; against the textbook broadcast NumPy: ${r2.median.toFixed(2)}×`,
      });
    }
  }

  // ───────────────────────────── 2. VAE training ─────────────────────────────
  async vae(): Promise<void> {
    const tiny = this.o.tiny;
    const rounds = this.rounds("vae", 3);
    const ours = tiny ? { epochs: 1, limitTrain: 256, warmupSteps: 1 } : { epochs: 3, limitTrain: 0, warmupSteps: 3 };
    const torch = pythonHas(["torch"]);
    if (!torch.ok) this.skip("PyTorch peer (VAE, matmul)", torch.why);
    // The PyTorch reference reads the split's indices from a file; write the same split.
    const splitFile = path.join(os.tmpdir(), `elbo-lab-bench-split-${process.pid}.json`);
    if (torch.ok) {
      // eslint-disable-next-line @typescript-eslint/no-var-requires
      const m = require("../src/tf/mnist") as typeof import("../src/tf/mnist");
      m.writeMnistSplit(m.loadMnistSplit(), splitFile);
    }
    const threadsList = [1, 2];
    // Our variants, each alternated with the peers in every round:
    //  - default: trainVae as notebooks call it (hand-derived step, sparse first layer, 1 thread);
    //  - dense: the same step with a dense first layer, as PyTorch computes it (like for like);
    //  - autodiff: tfjs's own gradient (the step before the hand-derived one);
    //  - 2 threads: tfjs's threaded wasm build (opt-in: ELBO_LAB_WASM_THREADS=2).
    const variants = [
      { key: "ours", args: {}, env: undefined as NodeJS.ProcessEnv | undefined, tool: "hand-derived step, sparse first layer (default), 1 thread" },
      { key: "dense", args: { firstLayer: "dense" }, env: undefined, tool: "hand-derived step, dense first layer, 1 thread" },
      { key: "autodiff", args: { gradient: "autodiff" }, env: undefined, tool: "tfjs autodiff step (matMulT), 1 thread" },
      { key: "threads2", args: {}, env: { ...process.env, ELBO_LAB_WASM_THREADS: "2" } as NodeJS.ProcessEnv, tool: "hand-derived step, sparse first layer, 2 wasm threads (opt-in)" },
    ];
    const v: Record<string, number[]> = { t1: [], t2: [] };
    const rss: Record<string, number[]> = { t1: [], t2: [] };
    for (const x of variants) {
      v[x.key] = [];
      rss[x.key] = [];
    }
    const curves: Record<string, unknown> = {};
    let backend = "";
    for (let r = 0; r < rounds; r++) {
      for (const x of variants) {
        const o = checkChild(`ours vae (${x.key})`, await this.nodeCase("vae", { ...ours, ...x.args }, x.env));
        if (x.key === "ours") backend = o.backend as string;
        const eps = o.epochs as Record<string, number>[];
        v[x.key].push(median(eps.map((e) => e.imagesPerSecond)));
        rss[x.key].push(o.maxRssMb as number);
        curves[x.key] = eps;
      }
      if (torch.ok) {
        for (const t of threadsList) {
          const p = checkChild(`torch vae ${t} thread(s)`, await this.pyPeer("vae_torch_bench", { ...ours, split: splitFile, threads: t }, threadEnv(t)));
          const pe = p.epochs as Record<string, number>[];
          v[`t${t}`].push(median(pe.map((e) => e.imagesPerSecond)));
          rss[`t${t}`].push(p.maxRssMb as number);
          curves[`torch${t}`] = pe;
          this.results.versions.torch = p.torch;
          this.results.versions.torchBlas = p.blas;
          this.results.versions.torchConfig = p.torchConfig;
        }
      }
    }
    const what = tiny ? `VAE training (${ours.limitTrain} images)` : "VAE training, 1 epoch = 8000 digits";
    const fo = this.figure({ id: "vae.ours", section: "vae", label: what, unit: "images/s", who: "ours", tool: `ELBO Lab trainVae, tfjs ${backend}: ${variants[0].tool}`, values: v.ours, maxRssMb: Math.max(...rss.ours) });
    const fv: Record<string, Figure> = {};
    for (const x of variants.slice(1)) {
      fv[x.key] = this.figure({ id: `vae.ours-${x.key}`, section: "vae", label: what, unit: "images/s", who: "ours", tool: `ELBO Lab trainVae, tfjs ${backend}: ${x.tool}`, values: v[x.key], maxRssMb: Math.max(...rss[x.key]) });
    }
    this.results.details.vaeEpochs = curves;
    // Every other backend that runs: cpu is far slower, so a few steps, extrapolated.
    for (const other of ["cpu", "wasm"].filter((b) => b !== backend)) {
      const steps = tiny ? 1 : 4;
      const c = await this.nodeCase("vae", { backend: other, steps, warmupSteps: 1 });
      if (c.code !== 0 || c.json === null || c.json.backend !== other) {
        this.skip(`VAE on the ${other} backend`, c.json ? `initBackend chose ${String(c.json.backend)}` : c.stderr.trim().split("\n").pop() ?? "failed");
        continue;
      }
      const e = (c.json.epochs as Record<string, number>[])[0];
      this.figure({ id: `vae.ours-${other}`, section: "vae", label: what, unit: "images/s", who: "ours", tool: `ELBO Lab trainVae, tfjs ${other}`, values: [e.imagesPerSecond], maxRssMb: c.json.maxRssMb as number, note: `extrapolated from ${c.json.stepsTimed} timed step(s) (${(c.json.msPerStep as number).toFixed(0)} ms/step) to an epoch; one child, not alternated` });
    }
    if (torch.ok) {
      const f1 = this.figure({ id: "vae.torch-1t", section: "vae", label: what, unit: "images/s", who: "peer", tool: "PyTorch, 1 thread (OpenBLAS + OpenMP at 1)", values: v.t1, maxRssMb: Math.max(...rss.t1) });
      const f2 = this.figure({ id: "vae.torch-2t", section: "vae", label: what, unit: "images/s", who: "peer", tool: "PyTorch, 2 threads", values: v.t2, maxRssMb: Math.max(...rss.t2) });
      const r1 = this.ratio("vae.ours/torch-1t", fo, f1, true, 0.5);
      const r2 = this.ratio("vae.ours/torch-2t", fo, f2, true, 0.5);
      const rd = this.ratio("vae.ours-dense/torch-1t", fv.dense, f1, true, 0.5);
      this.ratio("vae.ours-autodiff/torch-1t", fv.autodiff, f1, true);
      const rt = this.ratio("vae.ours-threads2/torch-2t", fv.threads2, f2, true);
      this.results.targets.push({
        name: "VAE training ≥ 0.5× PyTorch images/s (default backend)",
        target: "≥ 0.5",
        value: r1.median,
        met: r1.median >= 0.5,
        note: `same threads (1): ${r1.median.toFixed(2)}× with the default sparse first layer (exact; PyTorch computes that layer dense); like for like, with a dense first layer: ${rd.median.toFixed(2)}×; 2 wasm threads against 2-thread PyTorch: ${rt.median.toFixed(2)}×; default against 2-thread PyTorch: ${r2.median.toFixed(2)}×`,
      });
      const oc = curves.ours as Record<string, number>[];
      const tc = curves.torch1 as Record<string, number>[];
      this.results.details.vaeLossCurve = oc.map((e, i) => ({ epoch: e.epoch, oursTrainElbo: e.trainElbo, torchTrainElbo: tc[i]?.trainElbo, difference: e.trainElbo - (tc[i]?.trainElbo ?? NaN) }));
      fs.rmSync(splitFile, { force: true });
    }
    const oc = curves.ours as Record<string, number>[];
    this.results.details.vaeMemory = oc.map((e) => ({ epoch: e.epoch, rssMb: e.rssMb, numTensors: e.numTensors }));
  }

  // ───────────────────────────── 3. matmul ─────────────────────────────
  async matmul(): Promise<void> {
    const tiny = this.o.tiny;
    const rounds = this.rounds("matmul", 5);
    const n = tiny ? 128 : 1024;
    const args = tiny ? { n, reps: 1, warmup: 1 } : { n, reps: 15, warmup: 3 };
    const torch = pythonHas(["torch"]);
    const gf = (ms: number) => (2 * n ** 3) / (ms / 1000) / 1e9;
    const v: Record<string, number[]> = { ours: [], ours2: [], t1: [], t2: [], t2peak: [] };
    const rss: Record<string, number[]> = { ours: [], ours2: [], t1: [], t2: [] };
    let backend = "";
    for (let r = 0; r < rounds; r++) {
      const o = checkChild("ours matmul", await this.nodeCase("matmul", args));
      backend = o.backend as string;
      v.ours.push(gf(median(o.ms as number[])));
      rss.ours.push(o.maxRssMb as number);
      const o2 = checkChild("ours matmul, 2 threads", await this.nodeCase("matmul", args, { ...process.env, ELBO_LAB_WASM_THREADS: "2" }));
      v.ours2.push(gf(median(o2.ms as number[])));
      rss.ours2.push(o2.maxRssMb as number);
      if (torch.ok) {
        for (const t of [1, 2]) {
          const p = checkChild(`torch matmul ${t}`, await this.pyPeer("matmul_torch", { ...args, threads: t }, threadEnv(t)));
          v[`t${t}`].push(gf(median(p.ms as number[])));
          if (t === 2) v.t2peak.push(gf(Math.min(...(p.ms as number[]))));
          rss[`t${t}`].push(p.maxRssMb as number);
        }
      }
    }
    const label = `dense matmul ${n}×${n} float32`;
    const fo = this.figure({ id: "matmul.ours", section: "matmul", label, unit: "GFLOP/s", who: "ours", tool: `tfjs ${backend} (default backend, 1 thread)`, values: v.ours, maxRssMb: Math.max(...rss.ours) });
    const fo2 = this.figure({ id: "matmul.ours-2t", section: "matmul", label, unit: "GFLOP/s", who: "ours", tool: `tfjs ${backend}, 2 threads (opt-in: ELBO_LAB_WASM_THREADS=2)`, values: v.ours2, maxRssMb: Math.max(...rss.ours2) });
    if (torch.ok) {
      const f1 = this.figure({ id: "matmul.torch-1t", section: "matmul", label, unit: "GFLOP/s", who: "peer", tool: "PyTorch + OpenBLAS, 1 thread", values: v.t1, maxRssMb: Math.max(...rss.t1) });
      const f2 = this.figure({ id: "matmul.torch-2t", section: "matmul", label, unit: "GFLOP/s", who: "peer", tool: "PyTorch + OpenBLAS, 2 threads", values: v.t2, maxRssMb: Math.max(...rss.t2) });
      const ceil = this.figure({ id: "matmul.ceiling", section: "matmul", label: "measured ceiling of this machine", unit: "GFLOP/s", who: "ceiling", tool: "fastest single PyTorch+OpenBLAS 2-thread product of each round", values: v.t2peak, maxRssMb: null, note: "the machine's ceiling is taken as the best 2-thread OpenBLAS (AVX2/AVX-512 kernels) product time in each round" });
      this.ratio("matmul.ours/torch-1t", fo, f1, true);
      this.ratio("matmul.ours/torch-2t", fo, f2, true);
      const rc = this.ratio("matmul.ours/ceiling", fo, ceil, true);
      this.ratio("matmul.ours-2t/torch-2t", fo2, f2, true);
      const rc2 = this.ratio("matmul.ours-2t/ceiling", fo2, ceil, true);
      this.results.notes.push(`matmul: ours reaches ${(rc.median * 100).toFixed(0)} % of the measured 2-thread ceiling on one thread (128-bit wasm SIMD: one core at 4 float32 lanes, against OpenBLAS's AVX-512 kernels on two), ${(rc2.median * 100).toFixed(0)} % with 2 wasm threads.`);
    } else this.skip("PyTorch matmul peer", torch.why);
  }

  // ───────────────────────────── 4. the notebook suite ─────────────────────────────
  async suite(): Promise<void> {
    const tiny = this.o.tiny;
    const rounds = this.rounds("suite", 2);
    const jupyter = pythonHas(["nbclient", "nbconvert", "jupyter_client"]);
    if (!jupyter.ok) {
      this.skip("notebook suite (runner and nbconvert)", jupyter.why);
      return;
    }
    const fixture = path.join(this.root, "bench", "fixtures", "empty-cells.ipynb");
    // The committed notebooks (notebooks being written by others right now are left out).
    const tracked = spawnSync("git", ["ls-files", "notebooks/*.ipynb"], { cwd: this.root, encoding: "utf8" });
    let notebooks = (tracked.status === 0 ? tracked.stdout.trim().split("\n").filter(Boolean) : []).map((p) => path.join(this.root, p));
    if (notebooks.length === 0) notebooks = fs.readdirSync(path.join(this.root, "notebooks")).filter((f) => f.endsWith(".ipynb")).sort().map((f) => path.join(this.root, "notebooks", f));
    if (tiny) notebooks = [fixture];
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "elbo-lab-bench-suite-"));
    const jupyterDir = path.join(tmp, "jupyter");
    writeKernelSpec(jupyterDir, this.root);
    const env: NodeJS.ProcessEnv = { ...process.env, JUPYTER_PATH: jupyterDir, PYTHONUNBUFFERED: "1" };
    delete env.ELBO_LAB_SMOKE;
    delete env.CI;
    const v: Record<string, number[]> = { runner: [], nbconvert: [], kernelStart: [], kernelStartMax: [], cell: [] };
    const rss: Record<string, number[]> = { runner: [], nbconvert: [] };
    const perNotebook: Record<string, unknown>[] = [];
    const cli = path.join(this.root, "dist", "runner", "cli.js");
    // The runner's rounds share one build folder, as repeated `npm test` runs do: the runner
    // schedules longest first from the previous run's times (build/timings.json). A warm-up run,
    // not counted, gives the first round those times (and warms the file cache for both tools).
    const build = path.join(tmp, "runner");
    if (!tiny) {
      const warm = await runChild(this.node, [cli, "--build", build, "--no-smoke", ...notebooks], { env, cwd: this.root });
      if (warm.code !== 0) this.results.notes.push(`suite warm-up: the runner exited with ${warm.code}`);
    }
    for (let r = 0; r < rounds; r++) {
      // ours: the runner over all notebooks (its default: as many in parallel as cores)
      const run = await runChild(this.node, [cli, "--build", build, "--no-smoke", ...notebooks], { env, cwd: this.root });
      if (run.code !== 0) this.results.notes.push(`suite round ${r + 1}: the runner exited with ${run.code}: ${run.stdout.trim().split("\n").slice(-3).join(" / ")}`);
      v.runner.push(run.wallSeconds);
      rss.runner.push(run.treeMaxRssMb ?? NaN);
      const starts: number[] = [];
      const cells: number[] = [];
      for (const nb of notebooks) {
        const rep = path.join(build, "reports", buildName(nb, this.root).replace(/\.ipynb$/, ".json"));
        try {
          const j = JSON.parse(fs.readFileSync(rep, "utf8")) as { kernelStartSeconds: number; cellSeconds: number[]; seconds: number };
          starts.push(j.kernelStartSeconds);
          if (nb === fixture) cells.push(median(j.cellSeconds.slice(1)) * 1000);
          if (r === rounds - 1) perNotebook.push({ notebook: path.basename(nb), kernelStartSeconds: j.kernelStartSeconds, runnerSeconds: j.seconds });
        } catch {
          /* missing report: counted by the runner's own exit status */
        }
      }
      v.kernelStart.push(median(starts));
      v.kernelStartMax.push(Math.max(...starts));
      // nbconvert, one notebook after another, same kernel spec
      let total = 0;
      let peak = 0;
      for (const nb of notebooks) {
        const c = await runChild(PYTHON, ["-m", "jupyter", "nbconvert", "--to", "notebook", "--execute", "--ExecutePreprocessor.timeout=900", "--output-dir", path.join(tmp, `nbconvert-${r}`), nb], { env, cwd: path.dirname(nb) });
        if (c.code !== 0) this.results.notes.push(`suite round ${r + 1}: nbconvert failed on ${path.basename(nb)}: ${c.stderr.trim().split("\n").pop()}`);
        total += c.wallSeconds;
        peak = Math.max(peak, c.treeMaxRssMb ?? NaN);
        if (r === rounds - 1) {
          const e = perNotebook.find((p) => p.notebook === path.basename(nb));
          if (e) e.nbconvertSeconds = c.wallSeconds;
        }
      }
      v.nbconvert.push(total);
      rss.nbconvert.push(peak);
      // per-cell overhead: the fixture's nearly empty cells, through the runner (tiny: already run)
      if (cells.length) {
        v.cell.push(...cells);
        continue;
      }
      const fb = path.join(tmp, `fixture-${r}`);
      const fr = await runChild(this.node, [cli, "--build", fb, fixture], { env, cwd: this.root });
      try {
        const j = JSON.parse(fs.readFileSync(path.join(fb, "reports", buildName(fixture, this.root).replace(/\.ipynb$/, ".json")), "utf8")) as { cellSeconds: number[] };
        v.cell.push(median(j.cellSeconds.slice(1)) * 1000);
      } catch {
        this.results.notes.push(`suite round ${r + 1}: the fixture run wrote no report (exit ${fr.code})`);
      }
    }
    const label = tiny ? "notebook suite (tiny: the fixture only)" : `notebook suite (${notebooks.length} committed notebooks)`;
    const fr = this.figure({ id: "suite.runner", section: "suite", label, unit: "s", who: "ours", tool: `node dist/runner/cli.js (${os.cpus().length} in parallel)`, values: v.runner, maxRssMb: Math.max(...rss.runner), note: "peak RSS: the largest single process of the tree (GNU time)" });
    const fn = this.figure({ id: "suite.nbconvert", section: "suite", label, unit: "s", who: "peer", tool: "jupyter nbconvert --execute, one after another, same kernel", values: v.nbconvert, maxRssMb: Math.max(...rss.nbconvert) });
    const ks = this.figure({ id: "suite.kernel-start", section: "suite", label: "kernel start (median over notebooks)", unit: "s", who: "ours", tool: "runner report kernelStartSeconds", values: v.kernelStart, maxRssMb: null });
    const km = this.figure({ id: "suite.kernel-start-max", section: "suite", label: "kernel start (slowest notebook)", unit: "s", who: "ours", tool: "runner report kernelStartSeconds", values: v.kernelStartMax, maxRssMb: null });
    if (v.cell.length) this.figure({ id: "suite.cell-overhead", section: "suite", label: "per-cell overhead (nearly empty cell)", unit: "ms", who: "ours", tool: "bench/fixtures/empty-cells.ipynb, median cellSeconds", values: v.cell, maxRssMb: null });
    const rr = this.ratio("suite.runner/nbconvert", fr, fn, false);
    this.results.details.suiteNotebooks = perNotebook;
    const timeRatio = 1 / rr.median;
    this.results.targets.push({ name: "runner wall time ≤ 0.6× sequential nbconvert", target: "≤ 0.6", value: timeRatio, met: timeRatio <= 0.6, note: `runner ${fr.median.toFixed(1)} s against nbconvert ${fn.median.toFixed(1)} s (median over rounds)` });
    this.results.targets.push({ name: "no notebook spends more than 2 s in kernel start", target: "≤ 2 s", value: km.median, met: km.max <= 2, note: `median over notebooks ${ks.median.toFixed(2)} s; slowest ${km.median.toFixed(2)} s (worst round ${km.max.toFixed(2)} s)` });
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

function fmt(v: number, unit: string): string {
  if (!Number.isFinite(v)) return "—";
  if (unit === "samples/s") return v >= 1e6 ? `${(v / 1e6).toFixed(1)} M` : `${(v / 1e3).toFixed(0)} k`;
  if (unit === "images/s") return v.toFixed(0);
  if (unit === "GFLOP/s") return v.toFixed(1);
  if (unit === "s") return v.toFixed(2);
  if (unit === "ms") return v.toFixed(1);
  return v.toPrecision(3);
}

export function renderMarkdown(res: Results): string {
  const L: string[] = [];
  L.push("# ELBO Lab benchmark results", "");
  L.push(`Produced by \`${res.command}\` on ${res.date}${res.tiny ? " — **tiny mode: small sizes, one round; these numbers say nothing about speed**" : ""}.`, "");
  const m = res.machine;
  L.push(`Machine: ${m.cpu}, ${m.cores} cores (${m.cpuFlags}), ${m.memoryGb} GB, ${m.os}, Node ${m.node}.`);
  const v = res.versions;
  L.push(`Versions: tfjs ${v["@tensorflow/tfjs"]}, tfjs-backend-wasm ${v["@tensorflow/tfjs-backend-wasm"]}, tslab ${v.tslab}, Python ${v.python ?? "—"}, NumPy ${v.numpy ?? "—"}, PyTorch ${v.torch ?? "—"} (BLAS_INFO=${(v.torchConfig as Record<string, string> | undefined)?.blasInfo ?? "—"}, loads ${((v.torchBlas as string[] | undefined) ?? []).filter((l) => /openblas|libblas/.test(l)).map((l) => path.basename(path.dirname(l)) + "/" + path.basename(l)).join(", ") || "—"}), nbconvert ${v.nbconvert ?? "—"}.`);
  L.push("");
  L.push(`Load average (1/5/15 min) during the run: ${res.load.map((l) => `${l.when} ${l.loadAvg.join("/")}`).join("; ")}. On these 2-core machines anything above ~0.3 means someone else was using a core: figures are then pessimistic for both sides, and the ratios (taken round by round, ours and the peer alternated) are the more trustworthy numbers.`, "");
  L.push("Each figure is the median over rounds (each round: a fresh child process, warm-up, then the median of several timed repetitions); the range is min–max over rounds. Ratios are ours ÷ peer as throughput (> 1: ours is faster), computed inside each round.", "");
  L.push("| section | figure | tool | median | range | unit | peak RSS (MB) |", "| --- | --- | --- | ---: | ---: | --- | ---: |");
  for (const f of res.figures) {
    L.push(`| ${f.section} | ${f.label} | ${f.who === "ours" ? "**" + f.tool + "**" : f.tool}${f.note ? ` (${f.note})` : ""} | ${fmt(f.median, f.unit)} | ${fmt(f.min, f.unit)} – ${fmt(f.max, f.unit)} | ${f.unit} | ${f.maxRssMb === null ? "—" : f.maxRssMb.toFixed(0)} |`);
  }
  L.push("", "| ratio (ours ÷ peer, throughput) | median | range over rounds | target |", "| --- | ---: | ---: | --- |");
  for (const r of res.ratios) L.push(`| ${r.id} | ${r.median.toFixed(2)}× | ${r.min.toFixed(2)} – ${r.max.toFixed(2)} | ${r.target === undefined ? "" : `≥ ${r.target} ${r.met ? "✔" : "✘"}`} |`);
  L.push("", "## Targets", "", "| target | wanted | measured | met | note |", "| --- | --- | ---: | --- | --- |");
  for (const t of res.targets) L.push(`| ${t.name} | ${t.target} | ${t.value === null ? "—" : t.value.toFixed(2)} | ${t.met === null ? "—" : t.met ? "yes" : "**no**"} | ${t.note} |`);
  if (res.skipped.length) {
    L.push("", "## Skipped", "");
    for (const s of res.skipped) L.push(`- ${s.what}: ${s.why}`);
  }
  if (res.notes.length) {
    L.push("", "## Notes", "");
    for (const n of res.notes) L.push(`- ${n}`);
  }
  return L.join("\n") + "\n";
}

export async function main(argv: string[]): Promise<number> {
  const o = parseOptions(argv);
  const b = new Bench(o);
  Object.assign(b.results.versions, pythonVersions());
  b.results.versions.pythonBlas = pythonBlas();
  console.log(`ELBO Lab bench${o.tiny ? " (tiny)" : ""}: sections ${o.only.join(", ")} → ${o.out}`);
  b.load("start");
  for (const s of o.only) {
    const t = Date.now();
    console.log(`— ${s}`);
    await b[s]();
    b.load(`after ${s}`);
    console.log(`  done in ${((Date.now() - t) / 1000).toFixed(1)} s (load ${os.loadavg().map((x) => x.toFixed(2)).join(" ")})`);
  }
  fs.mkdirSync(o.out, { recursive: true });
  fs.writeFileSync(path.join(o.out, "results.json"), JSON.stringify(b.results, null, 2) + "\n");
  fs.writeFileSync(path.join(o.out, "RESULTS.md"), renderMarkdown(b.results));
  console.log(renderMarkdown(b.results));
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: Error) => {
      console.error(e.message);
      process.exit(1);
    },
  );
}
