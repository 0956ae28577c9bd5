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
export function runChild(cmd: string, args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {}): Promise<ChildResult> {
  const useTime = haveGnuTime();
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
