/**
 * Helpers shared by the benchmark driver (bench/run.ts) and its measurement children
 * (bench/cases/*.ts): statistics, child processes with their peak memory, machine facts.
 *
 * Every measurement runs in a child process of its own, so that one figure's peak resident
 * memory never mixes with another's. A child prints one JSON object as its last stdout line.
 */
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/** The project root (holding package.json), from bench/ or dist/bench/. */
export function benchRoot(): string {
  let dir = __dirname;
  for (;;) {
    if (fs.existsSync(path.join(dir, "package.json")) && fs.existsSync(path.join(dir, "tsconfig.json"))) return dir;
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`bench: cannot find the project root above ${__dirname}`);
    dir = up;
  }
}

/** The Python the peers run on: Debian's, never a pyenv python3 earlier on PATH (it lacks NumPy). */
export const PYTHON = process.env.ELBO_LAB_BENCH_PYTHON ?? "/usr/bin/python3";

/** Median, quartiles and range of a sample (sorted copy; NaN when empty). */
export interface Spread {
  median: number;
  min: number;
  max: number;
  q1: number;
  q3: number;
  n: number;
}

function quantile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.ceil(h);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (h - lo);
}

export function spread(values: number[]): Spread {
  const s = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  return { median: quantile(s, 0.5), min: s[0] ?? NaN, max: s[s.length - 1] ?? NaN, q1: quantile(s, 0.25), q3: quantile(s, 0.75), n: s.length };
}

export function median(values: number[]): number {
  return spread(values).median;
}

/** Times `f` `reps` times after `warmup` untimed calls; milliseconds per call. */
export function timeMs(f: () => unknown, reps: number, warmup: number): number[] {
  for (let i = 0; i < warmup; i++) f();
  const out: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t = process.hrtime.bigint();
    f();
    out.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return out;
}

/** Peak resident set size of this process so far, in MB (process.resourceUsage().maxRSS is in KB). */
export function maxRssMb(): number {
  return process.resourceUsage().maxRSS / 1024;
}

/** Reads the JSON argument a child was given (argv[2]) with defaults. */
export function childArgs<T extends object>(defaults: T): T {
  const raw = process.argv[2];
  return { ...defaults, ...(raw ? (JSON.parse(raw) as Partial<T>) : {}) };
}

/** Prints a child's result as the last line of stdout (the driver parses that line). */
export function emit(result: object): void {
  process.stdout.write("\n" + JSON.stringify(result) + "\n");
}

export interface ChildResult {
  /** The JSON object the child printed last (null when it printed none). */
  json: Record<string, unknown> | null;
  /** Wall time of the whole child, seconds. */
  wallSeconds: number;
  /** Peak RSS of the largest process in the child's tree (from /usr/bin/time -v), MB; null without GNU time. */
  treeMaxRssMb: number | null;
  code: number | null;
  stdout: string;
  stderr: string;
}

const GNU_TIME = "/usr/bin/time";
let gnuTimeOk: boolean | null = null;
function haveGnuTime(): boolean {
  if (gnuTimeOk === null) {
    const r = spawnSync(GNU_TIME, ["-v", "true"], { encoding: "utf8" });
    gnuTimeOk = r.status === 0 && /Maximum resident set size/.test(r.stderr);
  }
  return gnuTimeOk;
}

/**
 * Runs `cmd args` to completion (under `/usr/bin/time -v` when available, to read the peak RSS
 * of the largest process it waited for, grandchildren included) and parses its last JSON line.
 */
export function runChild(cmd: string, args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number; rss?: boolean } = {}): Promise<ChildResult> {
  const useTime = options.rss !== false && haveGnuTime();
  const argv = useTime ? ["-v", cmd, ...args] : args;
  const exe = useTime ? GNU_TIME : cmd;
  const t0 = process.hrtime.bigint();
  return new Promise((resolve) => {
    const child = spawn(exe, argv, { env: options.env ?? process.env, cwd: options.cwd, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (c: string) => (stdout += c));
    child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c));
    const timer = options.timeoutMs ? setTimeout(() => child.kill("SIGKILL"), options.timeoutMs) : null;
    child.on("close", (code) => {
      if (timer) clearTimeout(timer);
      const wallSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
      let treeMaxRssMb: number | null = null;
      const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr);
      if (m) treeMaxRssMb = Number(m[1]) / 1024;
      // GNU time reports the child's status as its own; strip its block from stderr.
      const cut = stderr.lastIndexOf("\tCommand being timed:");
      if (useTime && cut >= 0) stderr = stderr.slice(0, cut);
      let json: Record<string, unknown> | null = null;
      const lines = stdout.trim().split("\n");
      for (let i = lines.length - 1; i >= 0 && json === null; i--) {
        const l = lines[i].trim();
        if (l.startsWith("{")) {
          try {
            json = JSON.parse(l) as Record<string, unknown>;
          } catch {
            /* not ours */
          }
        }
      }
      resolve({ json, wallSeconds, treeMaxRssMb, code, stdout, stderr });
    });
  });
}

/** Load average and the busiest other processes, to record how quiet the machine was. */
export function loadSnapshot(): { loadAvg: number[]; top: string[] } {
  const r = spawnSync("top", ["-bn1", "-w", "200"], { encoding: "utf8" });
  const lines = (r.stdout || "").split("\n");
  const header = lines.findIndex((l) => /^\s*PID\s/.test(l));
  const top = header >= 0 ? lines.slice(header + 1, header + 6).map((l) => l.trim().replace(/\s+/g, " ")) : [];
  return { loadAvg: os.loadavg().map((v) => Math.round(v * 100) / 100), top };
}

/** What this machine is: CPU, cores, memory, OS, Node. */
export function machineInfo(): Record<string, unknown> {
  let osRelease = "";
  try {
    osRelease = /PRETTY_NAME="([^"]+)"/.exec(fs.readFileSync("/etc/os-release", "utf8"))?.[1] ?? "";
  } catch {
    /* not Linux */
  }
  let cpuFlags = "";
  try {
    const info = fs.readFileSync("/proc/cpuinfo", "utf8");
    const flags = /^flags\s*:\s*(.*)$/m.exec(info)?.[1].split(" ") ?? [];
    cpuFlags = ["avx2", "avx512f", "fma"].filter((f) => flags.includes(f)).join(" ");
  } catch {
    /* not Linux */
  }
  return {
    cpu: os.cpus()[0]?.model ?? "unknown",
    cores: os.cpus().length,
    cpuFlags,
    memoryGb: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    os: osRelease || `${os.type()} ${os.release()}`,
    node: process.version,
  };
}

/** Versions of the JS packages measured. */
export function jsVersions(): Record<string, string> {
  const v = (p: string) => {
    try {
      return (require(`${p}/package.json`) as { version: string }).version;
    } catch {
      return "absent";
    }
  };
  return { "@tensorflow/tfjs": v("@tensorflow/tfjs"), "@tensorflow/tfjs-backend-wasm": v("@tensorflow/tfjs-backend-wasm"), tslab: v("tslab") };
}

/**
 * The PyTorch a user would install — pip's `torch==2.13.0+cpu` — in a bench-only virtual
 * environment, made on first use and reused afterwards:
 *   $ELBO_LAB_BENCH_TORCH_VENV, else <cache>/bench-torch-2.13.0-cpu, where <cache> is the project's
 *   cache folder of scripts/native-tf.sh ($ELBO_LAB_CACHE, else $XDG_CACHE_HOME/elbo-lab, else ~/.cache/elbo-lab).
 * Made with `python3 -m venv` and `PIP_RETRIES=0 pip install torch==2.13.0+cpu numpy` (pip finds the
 * +cpu wheel in its configured index or links; elsewhere set PIP_EXTRA_INDEX_URL to PyTorch's CPU index).
 * Built in a temporary folder and renamed when complete, so an interrupted install is not reused.
 * Returns the venv's python, or null and why (the bench then skips that peer and says so).
 */
export const BENCH_TORCH = "2.13.0+cpu";
export function benchTorchPython(log: (m: string) => void = console.log): { python: string | null; why: string } {
  const cache = process.env.ELBO_LAB_CACHE ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), ".cache"), "elbo-lab");
  const venv = process.env.ELBO_LAB_BENCH_TORCH_VENV ?? path.join(cache, `bench-torch-${BENCH_TORCH.replace("+", "-")}`);
  const python = path.join(venv, "bin", "python");
  const check = () => spawnSync(python, ["-c", "import torch, numpy; print(torch.__version__)"], { encoding: "utf8" });
  if (fs.existsSync(python)) {
    const r = check();
    if (r.status === 0 && r.stdout.trim() === BENCH_TORCH) return { python, why: "" };
    return { python: null, why: `${venv} exists but has torch ${r.stdout.trim() || "(none)"}, not ${BENCH_TORCH}; remove it to rebuild` };
  }
  const tmp = `${venv}.partial-${process.pid}`;
  log(`  making the bench-only PyTorch environment ${venv} (python3 -m venv; pip install torch==${BENCH_TORCH} numpy)`);
  fs.mkdirSync(path.dirname(venv), { recursive: true });
  const mk = spawnSync("python3", ["-m", "venv", tmp], { encoding: "utf8" });
  if (mk.status !== 0) return { python: null, why: `python3 -m venv failed: ${(mk.stderr || "").trim().split("\n").pop()}` };
  const pip = spawnSync(path.join(tmp, "bin", "python"), ["-m", "pip", "install", "--quiet", "--disable-pip-version-check", `torch==${BENCH_TORCH}`, "numpy"], {
    encoding: "utf8",
    env: { ...process.env, PIP_RETRIES: process.env.PIP_RETRIES ?? "0" },
  });
  if (pip.status !== 0) {
    fs.rmSync(tmp, { recursive: true, force: true });
    return { python: null, why: `pip install torch==${BENCH_TORCH} failed: ${(pip.stderr || "").trim().split("\n").pop()}` };
  }
  fs.renameSync(tmp, venv);
  const r = check();
  return r.status === 0 ? { python, why: "" } : { python: null, why: `the new environment cannot import torch: ${(r.stderr || "").trim().split("\n").pop()}` };
}
