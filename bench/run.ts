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
 *   --rounds N           rounds per section (default 5; kernel 3; suite 2; tiny 1)
 *   --only a,b           sections among mc, vae, matmul, kernel, suite
 *   --vae-images N       VAE section: train on the first N of the 8000 training images (default all)
 *   --vae-epochs N       VAE section: epochs per child (default 3; the figure is their median)
 *
 * PyTorch peers: pip's torch 2.13.0+cpu in a bench-only venv that the bench makes on first use
 * (see `benchTorchPython` in bench/lib.ts: <cache>/bench-torch-2.13.0-cpu, where <cache> is
 * $ELBO_LAB_CACHE, else $XDG_CACHE_HOME/elbo-lab, else ~/.cache/elbo-lab), and Debian's
 * python3-torch 1.13 as an extra row when /usr/bin/python3 has it.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { spawnSync } from "node:child_process";
import { findJupyterPython, writeKernelSpec } from "../kernel/jupyter";
import { buildName } from "../runner/run";
import { availableBackends } from "../src/tf/backend";
import { BENCH_TORCH, PYTHON, benchRoot, benchTorchPython, jsVersions, loadSnapshot, machineInfo, runChild, spread, median, type ChildResult, type Spread } from "./lib";

const SECTIONS = ["mc", "vae", "matmul", "kernel", "suite"] as const;
type Section = (typeof SECTIONS)[number];

interface Options {
  tiny: boolean;
  out: string;
  rounds: number | null;
  only: Section[];
  /** VAE section: training images (0: all 8000) and epochs per child (default 3). */
  vaeImages: number;
  vaeEpochs: number;
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
  const o: Options = { tiny: process.env.ELBO_LAB_BENCH_TINY === "1", out: path.join(root, "bench"), rounds: null, only: [...SECTIONS], vaeImages: 0, vaeEpochs: 3 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--tiny") o.tiny = true;
    else if (a === "--out") o.out = path.resolve(argv[++i]);
    else if (a === "--rounds") o.rounds = Math.max(1, Math.floor(Number(argv[++i])));
    else if (a === "--vae-images") o.vaeImages = Math.max(0, Math.floor(Number(argv[++i])));
    else if (a === "--vae-epochs") o.vaeEpochs = Math.max(1, Math.floor(Number(argv[++i])));
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

/** The project's Jupyter (scripts/setup.sh's .venv, or $ELBO_LAB_PYTHON), as the runner finds it; probed once. */
let jupyterProbe: ReturnType<typeof findJupyterPython> | null = null;
function projectJupyter(): ReturnType<typeof findJupyterPython> {
  return (jupyterProbe ??= findJupyterPython());
}

/** nbconvert and nbclient of the project's Jupyter (the venv), which the kernel and suite sections run on. */
function jupyterVersions(): Record<string, unknown> {
  const jp = projectJupyter().found;
  if (!jp) return {};
  const r = spawnSync(jp.python, ["-c", "import json, nbconvert, nbclient\nprint(json.dumps({'nbconvert': nbconvert.__version__, 'nbclient': nbclient.__version__}))"], { encoding: "utf8" });
  try {
    return { ...(JSON.parse(r.stdout.trim()) as Record<string, unknown>), jupyterPython: jp.python };
  } catch {
    return {};
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

/** One thread for every pool a child could use: BLAS/OpenMP, and native TensorFlow's intra- and inter-op pools. */
function oneThreadEnv(): NodeJS.ProcessEnv {
  return { ...threadEnv(1), TF_NUM_INTRAOP_THREADS: "1", TF_NUM_INTEROP_THREADS: "1" };
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
      command: `npm run bench --${o.tiny ? " --tiny" : ""}${o.rounds ? ` --rounds ${o.rounds}` : ""}${o.only.length < SECTIONS.length ? ` --only ${o.only.join(",")}` : ""}${o.vaeImages ? ` --vae-images ${o.vaeImages}` : ""}${o.vaeEpochs !== 3 ? ` --vae-epochs ${o.vaeEpochs}` : ""}`,
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
    const ours = tiny ? { epochs: 1, limitTrain: 256, warmupSteps: 1 } : { epochs: this.o.vaeEpochs, limitTrain: this.o.vaeImages, warmupSteps: 3 };
    const peers = this.torchPeers();
    // The PyTorch reference reads the split's indices from a file; write the same split.
    const splitFile = path.join(os.tmpdir(), `elbo-lab-bench-split-${process.pid}.json`);
    if (peers.length) {
      // eslint-disable-next-line @typescript-eslint/no-var-requires
      const m = require("../src/tf/mnist") as typeof import("../src/tf/mnist");
      m.writeMnistSplit(m.loadMnistSplit(), splitFile);
    }
    // Our variants, each alternated with the peers in every round:
    //  - default: trainVae as notebooks call it, on the default backend (native TensorFlow where
    //    built: the dense step as TensorFlow ops, all cores); "1t" the same on one thread;
    //  - wasm: the fallback backend's default (sparse first layer) and its dense step (like for like);
    //  - autodiff: tfjs's own gradient on the default backend.
    const native = availableBackends().includes("tensorflow");
    const variants = [
      { key: "ours", args: {}, env: undefined as NodeJS.ProcessEnv | undefined, tool: "trainVae default (all cores)" },
      { key: "1t", args: {}, env: oneThreadEnv(), tool: "trainVae default, 1 thread" },
      { key: "autodiff", args: { gradient: "autodiff" }, env: undefined, tool: "tfjs autodiff step" },
      ...(native ? [
        { key: "wasm", args: { backend: "wasm" }, env: undefined, tool: "wasm fallback: hand-derived step, sparse first layer (its default), 1 thread" },
        { key: "wasm-dense", args: { backend: "wasm", firstLayer: "dense" }, env: undefined, tool: "wasm fallback: hand-derived step, dense first layer, 1 thread" },
      ] : [
        { key: "dense", args: { firstLayer: "dense" }, env: undefined, tool: "hand-derived step, dense first layer, 1 thread" },
      ]),
    ];
    const v: Record<string, number[]> = {};
    const rss: Record<string, number[]> = {};
    const backends: Record<string, string> = {};
    for (const x of [...variants.map((x) => x.key), ...peers.flatMap((p) => [1, 2].map((t) => `${p.key}-${t}t`))]) {
      v[x] = [];
      rss[x] = [];
    }
    const curves: Record<string, unknown> = {};
    for (let r = 0; r < rounds; r++) {
      for (const x of variants) {
        const o = checkChild(`ours vae (${x.key})`, await this.nodeCase("vae", { ...ours, ...x.args }, x.env));
        backends[x.key] = `${o.backend as string}, ${o.firstLayer as string} first layer`;
        const eps = o.epochs as Record<string, number>[];
        v[x.key].push(median(eps.map((e) => e.imagesPerSecond)));
        rss[x.key].push(o.maxRssMb as number);
        curves[x.key] = eps;
        for (const p of peers) {
          if (x.key !== "ours" && x.key !== "1t") continue; // the peers alternate with our two main rows
          const t = x.key === "1t" ? 1 : 2;
          const k = `${p.key}-${t}t`;
          const q = checkChild(`${p.key} vae ${t} thread(s)`, await runChild(p.python, [path.join(this.root, "bench", "peers", "vae_torch_bench.py"), JSON.stringify({ ...ours, split: splitFile, threads: t })], { env: threadEnv(t), cwd: this.root }));
          const pe = q.epochs as Record<string, number>[];
          v[k].push(median(pe.map((e) => e.imagesPerSecond)));
          rss[k].push(q.maxRssMb as number);
          curves[k] = pe;
          this.results.versions[p.key] = q.torch;
          this.results.versions[`${p.key}Blas`] = q.blas;
          this.results.versions[`${p.key}Config`] = q.torchConfig;
        }
      }
      this.load(`vae round ${r + 1}`);
    }
    const what = tiny || ours.limitTrain ? `VAE training (${ours.limitTrain} images per epoch)` : "VAE training, 1 epoch = 8000 digits";
    const fv: Record<string, Figure> = {};
    for (const x of variants) {
      fv[x.key] = this.figure({ id: x.key === "ours" ? "vae.ours" : `vae.ours-${x.key}`, section: "vae", label: what, unit: "images/s", who: "ours", tool: `ELBO Lab, tfjs ${backends[x.key]}: ${x.tool}`, values: v[x.key], maxRssMb: Math.max(...rss[x.key]) });
    }
    const best = (a: number[], b: number[]) => a.map((x, i) => Math.max(x, b[i] ?? -Infinity));
    const fBest = this.figure({ id: "vae.ours-best", section: "vae", label: what, unit: "images/s", who: "ours", tool: `ELBO Lab default backend (${backends.ours}), the better of 1 thread and all cores in each round`, values: best(v.ours, v["1t"]), maxRssMb: Math.max(...rss.ours, ...rss["1t"]) });
    this.results.details.vaeEpochs = curves;
    if (!tiny) {
      // cpu is far slower: a few steps, extrapolated.
      const c = await this.nodeCase("vae", { backend: "cpu", steps: 4, warmupSteps: 1 });
      if (c.code === 0 && c.json !== null && c.json.backend === "cpu") {
        const e = (c.json.epochs as Record<string, number>[])[0];
        this.figure({ id: "vae.ours-cpu", section: "vae", label: what, unit: "images/s", who: "ours", tool: "ELBO Lab trainVae, tfjs cpu", values: [e.imagesPerSecond], maxRssMb: c.json.maxRssMb as number, note: `extrapolated from ${c.json.stepsTimed} timed step(s) (${(c.json.msPerStep as number).toFixed(0)} ms/step) to an epoch; one child, not alternated` });
      } else this.skip("VAE on the cpu backend", c.stderr.trim().split("\n").pop() ?? "failed");
    }
    for (const p of peers) {
      const f1 = this.figure({ id: `vae.${p.key}-1t`, section: "vae", label: what, unit: "images/s", who: "peer", tool: `${p.label}, 1 thread`, values: v[`${p.key}-1t`], maxRssMb: Math.max(...rss[`${p.key}-1t`]) });
      const f2 = this.figure({ id: `vae.${p.key}-2t`, section: "vae", label: what, unit: "images/s", who: "peer", tool: `${p.label}, 2 threads`, values: v[`${p.key}-2t`], maxRssMb: Math.max(...rss[`${p.key}-2t`]) });
      const pBest = this.figure({ id: `vae.${p.key}-best`, section: "vae", label: what, unit: "images/s", who: "peer", tool: `${p.label}, the better of 1 and 2 threads in each round`, values: best(v[`${p.key}-1t`], v[`${p.key}-2t`]), maxRssMb: Math.max(f1.maxRssMb ?? 0, f2.maxRssMb ?? 0) });
      const main = p.key === "torch";
      const rb = this.ratio(`vae.ours-best/${p.key}-best`, fBest, pBest, true, main ? 1 : undefined);
      const r1 = this.ratio(`vae.ours-1t/${p.key}-1t`, fv["1t"], f1, true);
      const r2 = this.ratio(`vae.ours/${p.key}-2t`, fv.ours, f2, true);
      if (fv.wasm) this.ratio(`vae.ours-wasm/${p.key}-1t`, fv.wasm, f1, true);
      if (fv["wasm-dense"]) this.ratio(`vae.ours-wasm-dense/${p.key}-1t`, fv["wasm-dense"], f1, true);
      if (main) {
        this.results.targets.push({
          name: `VAE training ≥ 1.0× PyTorch ${BENCH_TORCH} images/s (default backend, each side at its best thread count)`,
          target: "≥ 1.0",
          value: rb.median,
          met: rb.median >= 1,
          note: `default backend ${backends.ours}; 1 thread against 1 thread: ${r1.median.toFixed(2)}×; all cores against 2 threads: ${r2.median.toFixed(2)}×`,
        });
        const oc = curves.ours as Record<string, number>[];
        const tc = curves["torch-1t"] as Record<string, number>[];
        this.results.details.vaeLossCurve = oc.map((e, i) => ({ epoch: e.epoch, oursTrainElbo: e.trainElbo, torchTrainElbo: tc[i]?.trainElbo, difference: e.trainElbo - (tc[i]?.trainElbo ?? NaN) }));
      }
    }
    fs.rmSync(splitFile, { force: true });
    const oc = curves.ours as Record<string, number>[];
    this.results.details.vaeMemory = oc.map((e) => ({ epoch: e.epoch, rssMb: e.rssMb, numTensors: e.numTensors }));
  }

  /** The PyTorch peers: pip's torch 2.13 CPU wheel in the bench-only venv (main), Debian's python3-torch (extra row). */
  torchPeers(): { key: string; label: string; python: string }[] {
    if (this.peersCache) return this.peersCache;
    const out: { key: string; label: string; python: string }[] = [];
    const pip = benchTorchPython();
    if (pip.python) out.push({ key: "torch", label: `PyTorch ${BENCH_TORCH} (pip wheel, bench-only venv)`, python: pip.python });
    else this.skip(`PyTorch ${BENCH_TORCH} peer`, pip.why);
    const deb = pythonHas(["torch"]);
    if (deb.ok) out.push({ key: "torchDebian", label: "PyTorch 1.13 (Debian python3-torch, OpenBLAS)", python: PYTHON });
    else this.skip("Debian PyTorch peer", deb.why);
    this.peersCache = out;
    return out;
  }
  private peersCache: { key: string; label: string; python: string }[] | null = null;

  // ───────────────────────────── 3. matmul ─────────────────────────────
  async matmul(): Promise<void> {
    const tiny = this.o.tiny;
    const rounds = this.rounds("matmul", 5);
    const n = tiny ? 128 : 1024;
    const args = tiny ? { n, reps: 1, warmup: 1 } : { n, reps: 15, warmup: 3 };
    const peers = this.torchPeers();
    const gf = (ms: number) => (2 * n ** 3) / (ms / 1000) / 1e9;
    const native = availableBackends().includes("tensorflow");
    // Ours: the default backend on all cores and on one thread; the wasm fallback on 1 and 2 threads.
    const variants = [
      { key: "ours", args: {}, env: undefined as NodeJS.ProcessEnv | undefined, tool: "default backend, all cores" },
      ...(native ? [{ key: "1t", args: {}, env: oneThreadEnv(), tool: "default backend, 1 thread" }] : []),
      { key: "wasm", args: { backend: "wasm" }, env: undefined, tool: "wasm, 1 thread" },
      { key: "wasm-2t", args: { backend: "wasm" }, env: { ...process.env, ELBO_LAB_WASM_THREADS: "2" } as NodeJS.ProcessEnv, tool: "wasm, 2 threads (opt-in: ELBO_LAB_WASM_THREADS=2)" },
    ];
    const v: Record<string, number[]> = { peak: [] };
    const rss: Record<string, number[]> = {};
    const backends: Record<string, string> = {};
    for (const k of [...variants.map((x) => x.key), ...peers.flatMap((p) => [`${p.key}-1t`, `${p.key}-2t`])]) {
      v[k] = [];
      rss[k] = [];
    }
    for (let r = 0; r < rounds; r++) {
      for (const x of variants) {
        const o = checkChild(`ours matmul (${x.key})`, await this.nodeCase("matmul", { ...args, ...x.args }, x.env));
        backends[x.key] = o.backend as string;
        v[x.key].push(gf(median(o.ms as number[])));
        rss[x.key].push(o.maxRssMb as number);
      }
      let peak = 0;
      for (const p of peers) {
        for (const t of [1, 2]) {
          const q = checkChild(`${p.key} matmul ${t}`, await runChild(p.python, [path.join(this.root, "bench", "peers", "matmul_torch.py"), JSON.stringify({ ...args, threads: t })], { env: threadEnv(t), cwd: this.root }));
          v[`${p.key}-${t}t`].push(gf(median(q.ms as number[])));
          peak = Math.max(peak, gf(Math.min(...(q.ms as number[]))));
          rss[`${p.key}-${t}t`].push(q.maxRssMb as number);
        }
      }
      v.peak.push(peak);
    }
    const label = `dense matmul ${n}×${n} float32`;
    const fv: Record<string, Figure> = {};
    for (const x of variants) fv[x.key] = this.figure({ id: x.key === "ours" ? "matmul.ours" : `matmul.ours-${x.key}`, section: "matmul", label, unit: "GFLOP/s", who: "ours", tool: `tfjs ${backends[x.key]}: ${x.tool}`, values: v[x.key], maxRssMb: Math.max(...rss[x.key]) });
    if (!peers.length) return;
    for (const p of peers) {
      const f1 = this.figure({ id: `matmul.${p.key}-1t`, section: "matmul", label, unit: "GFLOP/s", who: "peer", tool: `${p.label}, 1 thread`, values: v[`${p.key}-1t`], maxRssMb: Math.max(...rss[`${p.key}-1t`]) });
      const f2 = this.figure({ id: `matmul.${p.key}-2t`, section: "matmul", label, unit: "GFLOP/s", who: "peer", tool: `${p.label}, 2 threads`, values: v[`${p.key}-2t`], maxRssMb: Math.max(...rss[`${p.key}-2t`]) });
      this.ratio(`matmul.ours/${p.key}-2t`, fv.ours, f2, true);
      if (fv["1t"]) this.ratio(`matmul.ours-1t/${p.key}-1t`, fv["1t"], f1, true);
      this.ratio(`matmul.ours-wasm/${p.key}-1t`, fv.wasm, f1, true);
    }
    const ceil = this.figure({ id: "matmul.ceiling", section: "matmul", label: "measured ceiling of this machine", unit: "GFLOP/s", who: "ceiling", tool: "fastest single PyTorch product (any peer, 1 or 2 threads) of each round", values: v.peak, maxRssMb: null });
    const rc = this.ratio("matmul.ours/ceiling", fv.ours, ceil, true);
    const rw = this.ratio("matmul.ours-wasm/ceiling", fv.wasm, ceil, true);
    this.results.notes.push(`matmul: the default backend (${backends.ours}) reaches ${(rc.median * 100).toFixed(0)} % of the measured ceiling; the wasm fallback on one thread ${(rw.median * 100).toFixed(0)} %.`);
  }

  // ───────────────────────────── 4. kernel start ─────────────────────────────
  /**
   * From start to ready, and to the first small cell's reply, with nothing else running: ELBO Lab's
   * kernel (kernel/launch.ts) and tslab's own launcher (`tslab kernel`) on the same tslab. Each child
   * starts its kernel `starts` times after a warm-up start.
   */
  async kernel(): Promise<void> {
    const rounds = this.rounds("kernel", 3);
    const starts = this.o.tiny ? 2 : 6;
    const jp = projectJupyter();
    if (!jp.found) {
      this.skip("kernel start", `no Python with Jupyter: ${jp.tried.join("; ")}`);
      return;
    }
    const python = jp.found.python;
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "elbo-lab-bench-kernel-"));
    const oursDir = path.join(tmp, "ours");
    writeKernelSpec(oursDir, this.root);
    const tslabDir = path.join(tmp, "tslab");
    fs.mkdirSync(path.join(tslabDir, "kernels", "tslab"), { recursive: true });
    const tslabBin = path.join(path.dirname(require.resolve("tslab/package.json")), "bin", "tslab");
    fs.writeFileSync(path.join(tslabDir, "kernels", "tslab", "kernel.json"), JSON.stringify({ argv: [this.node, tslabBin, "kernel", "--config-path", "{connection_file}"], display_name: "tslab", language: "typescript" }));
    const variants: { key: string; dir: string; who: "ours" | "peer"; tool: string }[] = [
      { key: "ours", dir: oursDir, who: "ours", tool: "ELBO Lab kernel (kernel/launch.ts: sockets bound before the converter is built)" },
      { key: "tslab", dir: tslabDir, who: "peer", tool: `tslab's own launcher, \`tslab kernel\` (tslab ${this.results.versions.tslab ?? ""})` },
    ];
    const v: Record<string, { ready: number[]; first: number[] }> = {};
    for (const x of variants) v[x.key] = { ready: [], first: [] };
    const code = "const x: number = 1 + 1; x";
    for (let r = 0; r < rounds; r++) {
      for (const x of variants) {
        const env = { ...process.env, PYTHONUNBUFFERED: "1", JUPYTER_PATH: x.dir };
        // No GNU time around this child (rss: false): under it, the child that starts and kills kernels often
        // ended with time's exit status 1 and no report from time, though it had printed its own.
        const o = checkChild(`kernel start (${x.key})`, await runChild(python, [path.join(this.root, "bench", "peers", "kernel_start.py"), JSON.stringify({ kernel: "tslab", starts, code })], { env, cwd: path.join(this.root, "notebooks"), rss: false }));
        v[x.key].ready.push(median(o.readySeconds as number[]));
        v[x.key].first.push(median(o.firstCellSeconds as number[]));
      }
    }
    const f: Record<string, Figure> = {};
    for (const x of variants) {
      f[`${x.key}.ready`] = this.figure({ id: `kernel.${x.key}-ready`, section: "kernel", label: "kernel start: to ready (kernel_info reply, IOPub connected)", unit: "s", who: x.who, tool: x.tool, values: v[x.key].ready, maxRssMb: null, note: `median of ${starts} starts per round` });
      f[`${x.key}.first`] = this.figure({ id: `kernel.${x.key}-first-cell`, section: "kernel", label: `kernel start: to the first cell's reply (\`${code}\`)`, unit: "s", who: x.who, tool: x.tool, values: v[x.key].first, maxRssMb: null, note: `median of ${starts} starts per round` });
    }
    this.ratio("kernel.ours/tslab (ready)", f["ours.ready"], f["tslab.ready"], false);
    const ready = f["ours.ready"];
    this.results.targets.push({ name: "kernel start ≤ 2 s (start to ready, nothing else running)", target: "≤ 2 s", value: ready.median, met: ready.median <= 2, note: `median over rounds ${ready.median.toFixed(2)} s (range ${ready.min.toFixed(2)}–${ready.max.toFixed(2)}); to the first cell's reply ${f["ours.first"].median.toFixed(2)} s; tslab's own launcher ${f["tslab.ready"].median.toFixed(2)} s` });
    fs.rmSync(tmp, { recursive: true, force: true });
  }

  // ───────────────────────────── 5. the notebook suite ─────────────────────────────
  async suite(): Promise<void> {
    const tiny = this.o.tiny;
    const rounds = this.rounds("suite", 2);
    const jp = projectJupyter();
    if (!jp.found) {
      this.skip("notebook suite (runner and nbconvert)", `no Python with Jupyter: ${jp.tried.join("; ")}`);
      return;
    }
    const jupyterPython = jp.found.python;
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
        const c = await runChild(jupyterPython, ["-m", "jupyter", "nbconvert", "--to", "notebook", "--execute", "--ExecutePreprocessor.timeout=900", "--output-dir", path.join(tmp, `nbconvert-${r}`), nb], { env, cwd: path.dirname(nb) });
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
  Object.assign(b.results.versions, pythonVersions(), jupyterVersions());
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
