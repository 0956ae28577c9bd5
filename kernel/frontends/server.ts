/**
 * A throwaway Jupyter server (JupyterLab, which also serves Notebook 7 at /notebooks/… when the
 * `notebook` package is installed) for browser tests: 127.0.0.1, a free port, a token, its own
 * config, data and runtime folders in a temp dir (the machine's Jupyter set-up is never read for
 * kernels nor written), the project's kernelspec written there, and a temp copy of the notebooks to
 * serve (sources are never written). Stopped with its kernels by {@link JupyterServer.stop}.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { findJupyterPython, projectRoot, writeKernelSpec } from "../jupyter";

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
    s.on("error", reject);
  });
}

/**
 * Stops a process started with `detached: true` and its whole group: SIGTERM, then SIGKILL after
 * `graceMs`. Resolves once the process has exited.
 */
export async function stopProcessGroup(p: ChildProcess, graceMs = 8000): Promise<void> {
  if (p.exitCode !== null || p.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => p.once("exit", () => resolve()));
  try {
    process.kill(-p.pid!, "SIGTERM");
  } catch {
    /* gone */
  }
  const timer = setTimeout(() => {
    try {
      process.kill(-p.pid!, "SIGKILL");
    } catch {
      /* gone */
    }
  }, graceMs);
  await exited;
  clearTimeout(timer);
}

/** Why the browser tests cannot run here (one line), or null when `jupyter lab` can be started. */
export function jupyterLabMissing(): string | null {
  const { found, tried } = findJupyterPython();
  if (!found) return `no Python with Jupyter (tried ${tried.join("; ")})`;
  const r = spawnSync(found.python, ["-c", "import jupyterlab, notebook, plotly; print(jupyterlab.__version__, notebook.__version__, plotly.__version__)"], { encoding: "utf8" });
  if (r.status !== 0) return `${found.python} lacks jupyterlab, notebook or plotly (${(r.stderr || "").trim().split("\n").pop()})`;
  return null;
}

/**
 * A folder to serve: `notebooks/` copied, what the notebooks reach by relative path (`../dist`,
 * `../node_modules`) linked to the project, and a `build/` of its own: pass it to the kernels as
 * ELBO_LAB_BUILD_DIR, so models saved in the browser test never replace the ones the runner's
 * records name.
 */
export function servedCopy(root: string = projectRoot()): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "elbo-lab-served-"));
  for (const name of ["dist", "node_modules", "package.json"]) fs.symlinkSync(path.join(root, name), path.join(dir, name));
  fs.mkdirSync(path.join(dir, "build"));
  fs.mkdirSync(path.join(dir, "notebooks"));
  for (const f of fs.readdirSync(path.join(root, "notebooks"))) {
    if (f.endsWith(".ipynb")) fs.copyFileSync(path.join(root, "notebooks", f), path.join(dir, "notebooks", f));
  }
  return dir;
}

export interface ServerOptions {
  /** Folder to serve (see {@link servedCopy}). */
  root: string;
  /** Lab plugin ids to switch off (page_config.json `disabledExtensions`). */
  disabledPlugins?: string[];
  /** Extra environment for the server and so for its kernels. */
  env?: Record<string, string>;
}

const running = new Set<ChildProcess>();
let signalsHooked = false;
/** Ctrl-C or a CI timeout stops the servers too (SIGTERM: Jupyter then shuts its kernels down). */
function hookSignals(): void {
  if (signalsHooked) return;
  signalsHooked = true;
  for (const sig of ["SIGINT", "SIGTERM"] as const) {
    process.once(sig, () => {
      for (const p of running) {
        try {
          process.kill(-p.pid!, "SIGTERM");
        } catch {
          /* gone */
        }
      }
      process.exit(130);
    });
  }
}

export class JupyterServer {
  readonly base: string;
  readonly token: string;
  private log = "";
  private constructor(
    private proc: ChildProcess,
    readonly home: string,
    port: number,
    token: string,
  ) {
    this.base = `http://127.0.0.1:${port}`;
    this.token = token;
    proc.stderr!.setEncoding("utf8").on("data", (d: string) => {
      if (this.log.length < 200_000) this.log += d;
    });
  }

  /** Starts `python -m jupyterlab` and waits until its API answers (at most 90 s). */
  static async start(opts: ServerOptions): Promise<JupyterServer> {
    const py = findJupyterPython().found;
    if (!py) throw new Error("no Jupyter python");
    const home = fs.mkdtempSync(path.join(os.tmpdir(), "elbo-lab-jupyter-"));
    const dirs = { config: path.join(home, "config"), data: path.join(home, "data"), runtime: path.join(home, "runtime") };
    for (const d of Object.values(dirs)) fs.mkdirSync(d, { recursive: true });
    writeKernelSpec(dirs.data);
    const disabled: Record<string, boolean> = { "@jupyterlab/apputils-extension:announcements": true };
    for (const p of opts.disabledPlugins ?? []) disabled[p] = true;
    fs.mkdirSync(path.join(dirs.config, "labconfig"), { recursive: true });
    fs.writeFileSync(path.join(dirs.config, "labconfig", "page_config.json"), JSON.stringify({ disabledExtensions: disabled }));
    const port = await freePort();
    const token = `t${process.pid}x${Date.now().toString(36)}`;
    const proc = spawn(
      py.python,
      [
        "-m", "jupyterlab", "--no-browser", "--allow-root", "--ip=127.0.0.1", `--port=${port}`, "--port-retries=0",
        `--IdentityProvider.token=${token}`, "--LabApp.expose_app_in_browser=True", "--JupyterNotebookApp.expose_app_in_browser=True", "--ServerApp.open_browser=False",
        `--ServerApp.root_dir=${opts.root}`, "--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
      ],
      {
        cwd: opts.root,
        env: {
          ...process.env,
          ...opts.env,
          JUPYTER_CONFIG_DIR: dirs.config,
          JUPYTER_DATA_DIR: dirs.data,
          JUPYTER_RUNTIME_DIR: dirs.runtime,
          // First in every search path, ahead of a kernelspec registered in the env (JUPYTER_PREFER_ENV_PATH).
          JUPYTER_PATH: dirs.data,
          JUPYTER_CONFIG_PATH: dirs.config,
        },
        detached: true,
        stdio: ["ignore", "ignore", "pipe"],
      },
    );
    running.add(proc);
    proc.once("exit", () => running.delete(proc));
    hookSignals();
    const server = new JupyterServer(proc, home, port, token);
    for (let i = 0; ; i++) {
      try {
        if ((await fetch(`${server.base}/api/status?token=${token}`)).ok) break;
      } catch {
        /* not up yet */
      }
      if (i > 450 || proc.exitCode !== null) {
        await server.stop();
        throw new Error(`jupyter lab did not start:\n${server.log.slice(-4000)}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    return server;
  }

  url(p: string): string {
    return `${this.base}${p}${p.includes("?") ? "&" : "?"}token=${this.token}`;
  }

  async api<T>(p: string, init?: RequestInit): Promise<T> {
    const r = await fetch(this.url(`/api${p}`), init);
    if (!r.ok) throw new Error(`${init?.method ?? "GET"} /api${p}: ${r.status} ${await r.text()}`);
    return (r.status === 204 ? null : await r.json()) as T;
  }

  /** Shuts down every kernel this server runs. */
  async stopKernels(): Promise<void> {
    for (const k of await this.api<Array<{ id: string }>>("/kernels")) await this.api(`/kernels/${k.id}`, { method: "DELETE" });
  }

  serverLog(): string {
    return this.log;
  }

  /** Kernels first (as a user would), then the server's process group; removes its temp folders. */
  async stop(): Promise<void> {
    const p = this.proc;
    if (p.exitCode === null) {
      try {
        await this.stopKernels();
      } catch {
        /* server unwell: the signals below still stop it */
      }
      await stopProcessGroup(p);
    }
    fs.rmSync(this.home, { recursive: true, force: true });
  }
}
