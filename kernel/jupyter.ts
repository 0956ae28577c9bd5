/**
 * Finding the Jupyter that the user's JupyterLab / nbconvert run on, and describing our kernel to it.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

/** The project root (the folder holding package.json), whether running from `kernel/` or `dist/kernel/`. */
export function projectRoot(): string {
  let dir = __dirname;
  for (;;) {
    if (fs.existsSync(path.join(dir, "package.json")) && fs.existsSync(path.join(dir, "tsconfig.json"))) return dir;
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`elbo-lab: cannot find the project root above ${__dirname}`);
    dir = up;
  }
}

export interface JupyterPython {
  /** Absolute path of the interpreter. */
  python: string;
  /** True when it is a conda env or virtualenv, where the kernelspec belongs in sys.prefix. */
  isEnv: boolean;
  nbclient: string;
  jupyterClient: string;
}

const PROBE = [
  "import sys, json, nbclient, jupyter_client, nbformat",
  "print(json.dumps({'python': sys.executable, 'isEnv': sys.prefix != getattr(sys, 'base_prefix', sys.prefix) or 'conda-meta' in __import__('os').listdir(sys.prefix), 'nbclient': nbclient.__version__, 'jupyterClient': jupyter_client.__version__}))",
].join("\n");

/**
 * Candidate interpreters, in order: `$ELBO_LAB_PYTHON` (alone, when set), the project's own environment made by
 * `scripts/setup.sh` (`.venv`), the active conda env (the environment.yml route), then `python3`/`python` on PATH.
 */
export function pythonCandidates(env: NodeJS.ProcessEnv = process.env, root: string = projectRoot()): string[] {
  // An explicit choice is the only candidate: if it lacks Jupyter, say so rather than pick another.
  if (env.ELBO_LAB_PYTHON) return [env.ELBO_LAB_PYTHON];
  const out: string[] = [path.join(root, ".venv", "bin", "python")];
  if (env.CONDA_PREFIX) out.push(path.join(env.CONDA_PREFIX, "bin", "python"));
  out.push("python3", "python");
  return out;
}

/** The first candidate that can import nbclient and jupyter_client, or null with what each said. */
export function findJupyterPython(env: NodeJS.ProcessEnv = process.env): { found: JupyterPython | null; tried: string[] } {
  const tried: string[] = [];
  for (const candidate of pythonCandidates(env)) {
    const r = spawnSync(candidate, ["-c", PROBE], { encoding: "utf8", env });
    if (r.status === 0) {
      try {
        return { found: JSON.parse(r.stdout.trim().split("\n").pop() ?? "") as JupyterPython, tried };
      } catch {
        tried.push(`${candidate}: printed ${JSON.stringify(r.stdout)}`);
        continue;
      }
    }
    const why = r.error ? String(r.error.message) : (r.stderr || "").trim().split("\n").pop() ?? `exit ${r.status}`;
    tried.push(`${candidate}: ${why}`);
  }
  return { found: null, tried };
}

/** What to do when no Jupyter is found: printed by the set-up, the kernel installer and the runner. */
export function noJupyterMessage(tried: string[]): string {
  return [
    "elbo-lab: no Python with Jupyter (nbclient, jupyter_client, nbformat) was found.",
    ...tried.map((t) => `  tried ${t}`),
    "Run `bash scripts/setup.sh` (it makes the project's environment, .venv, from requirements.txt), or",
    "`conda env create -f environment.yml && conda activate elbo-lab` first; or point ELBO_LAB_PYTHON at a",
    "python that has them.",
  ].join("\n");
}

/** The kernel's name in kernelspec metadata; notebooks must name it. */
export const KERNEL_NAME = "tslab";

/**
 * kernel.json for the project's tslab: absolute paths to this Node and to our launcher, so the kernel
 * is the project's own whichever `tslab` or `node` is first on PATH.
 */
export function kernelJson(root: string = projectRoot()): object {
  return {
    argv: [process.execPath, path.join(root, "dist", "kernel", "launch.js"), "--config-path", "{connection_file}"],
    display_name: "TypeScript (ELBO Lab)",
    language: "typescript",
    metadata: { "elbo-lab": { root } },
  };
}

/** Writes `<dir>/kernels/tslab/kernel.json`; returns the kernelspec folder. Idempotent. */
export function writeKernelSpec(jupyterDataDir: string, root: string = projectRoot()): string {
  const specDir = path.join(jupyterDataDir, "kernels", KERNEL_NAME);
  fs.mkdirSync(specDir, { recursive: true });
  fs.writeFileSync(path.join(specDir, "kernel.json"), JSON.stringify(kernelJson(root), null, 2) + "\n");
  return specDir;
}
