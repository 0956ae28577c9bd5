/**
 * A real front end: Debian's classic Notebook 6 server on localhost with the project kernel, the
 * display fixture opened in headless Chromium, Cell > Run All, and every figure drawn by the HTML
 * route (the one Notebook 6 uses), the table and the final progress state shown. A screenshot is
 * kept at build/screenshots/notebook6.png for people to look at. The server is always stopped.
 */
import { strict as assert } from "node:assert";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, test } from "node:test";
import { closeBrowser, getBrowser } from "./browser";
import { findChromium } from "./chromium";
import { freePort, stopProcessGroup } from "./frontends/server";
import { findJupyterPython, projectRoot, writeKernelSpec } from "./jupyter";

const root = projectRoot();
const jupyter = findJupyterPython().found;
// Notebook 7 (a JupyterLab app, no `Jupyter.notebook` object) is tested in ./frontends/frontends.e2e.ts.
const notebookVersion = jupyter ? spawnSync(jupyter.python, ["-c", "import notebook; print(notebook.__version__)"], { encoding: "utf8" }) : null;
const hasNotebook = notebookVersion?.status === 0 && /^[456]\./.test(notebookVersion.stdout.trim());
const chromium = findChromium();
const skip = !jupyter ? "no Jupyter python" : !hasNotebook ? `no classic Notebook 6 for ${jupyter.python} (notebook ${notebookVersion?.stdout.trim() || "absent"}; Notebook 7 is tested in kernel/frontends)` : !chromium.path ? `no Chromium: ${chromium.reason}` : false;
const FIGURES = 3;

let server: ChildProcess | null = null;
const tmp: string[] = [];

async function stopServer(base: string | null, token: string): Promise<void> {
  if (!server || server.exitCode !== null) return;
  if (base) {
    // Shut kernels down the way a user would (this exercises the kernel's browser clean-up), then the server.
    try {
      const kernels = (await (await fetch(`${base}/api/kernels?token=${token}`)).json()) as Array<{ id: string }>;
      for (const k of kernels) await fetch(`${base}/api/kernels/${k.id}?token=${token}`, { method: "DELETE" });
    } catch {
      /* server already unwell: the signals below still stop it */
    }
  }
  await stopProcessGroup(server);
  server = null;
}

after(async () => {
  await closeBrowser();
  if (server) await stopServer(null, "");
  for (const d of tmp) fs.rmSync(d, { recursive: true, force: true });
});

test("classic Notebook 6: Run All draws every figure (screenshot in build/screenshots/notebook6.png)", { skip, timeout: 180_000 }, async () => {
  const t0 = Date.now();
  const jupyterDir = fs.mkdtempSync(path.join(os.tmpdir(), "elbo-lab-nb6-"));
  tmp.push(jupyterDir);
  writeKernelSpec(jupyterDir, root);
  // A copy at the fixture's depth below the root, so its `../../../dist/kernel` import still resolves.
  const nbDir = path.join(root, "build", "nb6", `run-${process.pid}`);
  fs.mkdirSync(nbDir, { recursive: true });
  tmp.push(nbDir);
  fs.copyFileSync(path.join(root, "test", "fixtures", "display", "figures.ipynb"), path.join(nbDir, "figures.ipynb"));

  const port = await freePort();
  const token = `t${process.pid}${Date.now()}`;
  const base = `http://127.0.0.1:${port}`;
  server = spawn(
    jupyter!.python,
    ["-m", "notebook", "--no-browser", `--port=${port}`, "--port-retries=0", "--ip=127.0.0.1", `--NotebookApp.token=${token}`, "--allow-root", `--notebook-dir=${root}`],
    { env: { ...process.env, JUPYTER_PATH: jupyterDir, JUPYTER_CONFIG_DIR: path.join(jupyterDir, "config"), JUPYTER_RUNTIME_DIR: path.join(jupyterDir, "runtime") }, detached: true, stdio: ["ignore", "ignore", "pipe"] },
  );
  let serverLog = "";
  server.stderr!.setEncoding("utf8").on("data", (d: string) => {
    if (serverLog.length < 50_000) serverLog += d;
  });
  try {
    for (let i = 0; ; i++) {
      try {
        if ((await fetch(`${base}/api?token=${token}`)).ok) break;
      } catch {
        /* not up yet */
      }
      assert.ok(i < 100 && server.exitCode === null, `the Notebook server did not start:\n${serverLog}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const browser = await getBrowser();
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    const rel = path.relative(root, path.join(nbDir, "figures.ipynb")).split(path.sep).join("/");
    await page.goto(`${base}/notebooks/${rel}?token=${token}`, { waitUntil: "load" });
    await page.waitForFunction(
      () => {
        const J = (window as unknown as { Jupyter?: { notebook?: { kernel?: { is_connected(): boolean } } } }).Jupyter;
        return Boolean(J?.notebook?.kernel?.is_connected());
      },
      undefined,
      { timeout: 60_000 },
    );
    await page.evaluate(() => {
      const nb = (window as unknown as { Jupyter: { notebook: { set_autosave_interval(ms: number): void; execute_all_cells(): void } } }).Jupyter.notebook;
      nb.set_autosave_interval(0); // never write the copy back while we test
      nb.execute_all_cells();
    });
    await page.waitForFunction(
      (n) => {
        const cells = (window as unknown as { Jupyter: { notebook: { get_cells(): Array<{ cell_type: string; input_prompt_number?: number | string | null }> } } }).Jupyter.notebook.get_cells();
        const done = cells.every((c) => c.cell_type !== "code" || typeof c.input_prompt_number === "number");
        const drawn = document.querySelectorAll(".output_area .js-plotly-plot .main-svg").length > 0 && document.querySelectorAll(".output_area .js-plotly-plot").length >= n;
        return done && drawn && document.body.innerText.includes("40/40 (100%)");
      },
      FIGURES,
      { timeout: 120_000, polling: 500 },
    );
    const seen = await page.evaluate(() => ({
      plots: Array.from(document.querySelectorAll(".output_area .js-plotly-plot")).filter((p) => p.querySelector(".main-svg")).length,
      staticShown: Array.from(document.querySelectorAll(".elbo-lab-static")).filter((i) => getComputedStyle(i).display !== "none").length,
      tables: document.querySelectorAll(".output_area table.elbo-lab-table").length,
      errorsInOutputs: Array.from(document.querySelectorAll(".output_stderr")).map((e) => (e as HTMLElement).innerText),
      checks: (document.body.innerText.match(/✔ figure \d has a static image/g) ?? []).length,
    }));
    fs.mkdirSync(path.join(root, "build", "screenshots"), { recursive: true });
    const shot = path.join(root, "build", "screenshots", "notebook6.png");
    // Notebook 6 scrolls inside #site, so a "full page" shot is one screen: grow the window to the notebook.
    const tall = await page.evaluate(() => (document.querySelector("#notebook-container")?.scrollHeight ?? 900) + 200);
    await page.setViewportSize({ width: 1200, height: Math.min(tall, 12_000) });
    await page.waitForTimeout(500);
    await page.screenshot({ path: shot });
    await page.close();
    console.log(`# Notebook 6: ${seen.plots} figures drawn, Run All to drawn in ${((Date.now() - t0) / 1000).toFixed(1)} s; screenshot ${path.relative(root, shot)}`);
    assert.deepEqual(seen, { plots: FIGURES, staticShown: 0, tables: 1, errorsInOutputs: [], checks: FIGURES });
    assert.deepEqual(errors, [], "uncaught page errors");
  } finally {
    await stopServer(base, token);
  }
});
