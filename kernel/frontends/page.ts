/**
 * Driving a notebook in JupyterLab 4 or Notebook 7 from playwright-core, through the application
 * object they expose with `expose_app_in_browser` (`window.jupyterapp`: its documented commands and
 * the notebook panel's models), and reading what a student sees from the page.
 */
import type { Page } from "playwright-core";

/** Enough of JupyterLab's API for these tests (the objects live in the page). */
interface Cell {
  /** True for a cell whose source is collapsed (`jupyter.source_hidden`): JupyterLab shows no prompt there. */
  inputHidden?: boolean;
  model: { type: string; executionCount: number | null; outputs: { toJSON(): Array<Record<string, unknown>> } };
  node: HTMLElement;
}
interface Panel {
  context?: { isReady: boolean; path: string };
  content?: { widgets: readonly Cell[]; scrollToCell?(cell: Cell, align?: string): Promise<void> };
  sessionContext?: { session?: { kernel?: { name: string; status: string; connectionStatus: string } | null } | null };
}
interface App {
  shell: { currentWidget: Panel | null };
  commands: { execute(id: string, args?: unknown): Promise<unknown> };
}
type Win = Window & { jupyterapp?: App };

export type Frontend = "lab" | "notebook";

/** The URL path that opens `rel` (a path below the server root) in JupyterLab or Notebook 7. */
export function notebookPath(frontend: Frontend, rel: string): string {
  const p = rel.split("/").map(encodeURIComponent).join("/");
  return frontend === "lab" ? `/lab/tree/${p}?reset` : `/notebooks/${p}`;
}

/** Waits until the notebook is open and its kernel (the project's, `tslab`) is connected and idle. */
export async function waitForKernel(page: Page, timeoutMs = 120_000): Promise<void> {
  await page.waitForFunction(
    () => {
      const w = (window as Win).jupyterapp?.shell.currentWidget;
      const k = w?.sessionContext?.session?.kernel;
      return Boolean(w?.content?.widgets && w.context?.isReady && k && k.status === "idle" && k.connectionStatus === "connected");
    },
    undefined,
    { timeout: timeoutMs, polling: 250 },
  );
  const name = await page.evaluate(() => (window as Win).jupyterapp?.shell.currentWidget?.sessionContext?.session?.kernel?.name);
  if (name !== "tslab") throw new Error(`the notebook started kernel ${JSON.stringify(name)}, not the project's tslab`);
}

export function command(page: Page, id: string): Promise<unknown> {
  return page.evaluate((c) => (window as Win).jupyterapp!.commands.execute(c), id);
}

export interface RunState {
  done: boolean;
  codeCells: number;
  counts: Array<number | null>;
  /** Text of every stderr stream in the outputs (tslab writes a failing cell's error there). */
  stderr: string[];
}

function runState(): RunState {
  const w = (window as Win).jupyterapp!.shell.currentWidget!;
  const code = w.content!.widgets.filter((c) => c.model.type === "code");
  const stderr: string[] = [];
  for (const c of code) {
    for (const o of c.model.outputs.toJSON()) if (o.output_type === "stream" && o.name === "stderr") stderr.push(String(o.text));
  }
  const k = w.sessionContext?.session?.kernel;
  const counts = code.map((c) => c.model.executionCount);
  return { done: k?.status === "idle" && counts.every((n) => typeof n === "number"), codeCells: code.length, counts, stderr };
}

/**
 * Runs every cell (the "Run All" command, not awaited: it resolves only when the last cell has
 * been queued) and waits until every code cell has an execution count and the kernel is idle, or a
 * cell writes to stderr (a failing cell; tslab sends no `error` output).
 */
export async function runAll(page: Page, timeoutMs: number): Promise<RunState> {
  await page.evaluate(() => {
    void (window as Win).jupyterapp!.commands.execute("notebook:run-all-cells");
  });
  const t0 = Date.now();
  for (;;) {
    await page.waitForTimeout(500);
    const s = await page.evaluate(runState);
    if (s.stderr.length > 0) return s;
    if (s.done) {
      // Idle between two cells happens; idle twice, half a second apart, with every count set is the end.
      await page.waitForTimeout(500);
      const again = await page.evaluate(runState);
      if (again.done || again.stderr.length > 0) return again;
    }
    if (Date.now() - t0 > timeoutMs) return s;
  }
}

/** What the model holds after the run: how many figures, tables and progress displays a student should see. */
export async function expectedOutputs(page: Page, plotlyMime: string): Promise<{ figures: number; tables: number; progress: number; htmlFigures: number }> {
  return page.evaluate((mime) => {
    const w = (window as Win).jupyterapp!.shell.currentWidget!;
    const n = { figures: 0, tables: 0, progress: 0, htmlFigures: 0 };
    for (const c of w.content!.widgets) {
      if (c.model.type !== "code") continue;
      for (const o of c.model.outputs.toJSON()) {
        const data = (o.data ?? {}) as Record<string, unknown>;
        const html = String(data["text/html"] ?? "");
        if (mime in data) n.figures += 1;
        if (html.includes("data-elbo-lab-figure")) n.htmlFigures += 1;
        if (html.includes("elbo-lab-table")) n.tables += 1;
        if (html.includes("elbo-lab-progress")) n.progress += 1;
      }
    }
    return n;
  }, plotlyMime);
}

/**
 * Prompts as shown: `[3]:` for each code cell. JupyterLab 4 renders only the cells near the viewport
 * (windowed notebook), so each cell is scrolled into view before its prompt is read, as a student would.
 * Cells whose source is collapsed (figure-only cells) show no prompt and read "(input hidden)".
 */
export async function prompts(page: Page): Promise<string[]> {
  return page.evaluate(async () => {
    const w = (window as Win).jupyterapp!.shell.currentWidget!;
    const out: string[] = [];
    for (const c of w.content!.widgets) {
      if (c.model.type !== "code") continue;
      if (c.inputHidden) {
        // A figure-only cell shown collapsed has no input prompt; its count is in the model (runAll checks it).
        out.push("(input hidden)");
        continue;
      }
      await w.content!.scrollToCell?.(c, "center");
      await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 50)));
      out.push(c.node.querySelector(".jp-InputPrompt")?.textContent?.trim() ?? "(no prompt)");
    }
    return out;
  });
}
