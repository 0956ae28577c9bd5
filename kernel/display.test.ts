/**
 * show(): the bundle each front end needs, plotly.js once per session, the static images (rendered
 * by the real headless Chromium), and the behaviour without a browser.
 */
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, test } from "node:test";
import { lineFigure, smallMultiplesSize, sweepFigure } from "../src/figures";
import { closeBrowser } from "./browser";
import { findChromium } from "./chromium";
import { FIGURE_NOTE_CLASS, PLOTLY_MIME, resendPlotlyJs, show, showFigure, untrustedNote } from "./display";
import { setCurrentExecution } from "./execution";
import { setOutputSink, type DisplayMessage } from "./output";
import { PLOTLY_JS_MARKER } from "./plotlyjs";

const chromium = findChromium();
const NO_BROWSER = chromium.path ? false : `no Chromium: ${chromium.reason}`;

interface Sent {
  msg: DisplayMessage;
  update: boolean;
}
function capture(): Sent[] {
  const sent: Sent[] = [];
  setOutputSink((msg, update) => sent.push({ msg, update }));
  return sent;
}

const x = Array.from({ length: 50 }, (_, i) => i / 10);
const fig = lineFigure({ title: "sin and cos", x: { label: "z" }, y: { label: "value", unit: "nats" }, xValues: x, series: [{ role: "elbo", y: x.map(Math.sin) }, { role: "klPosterior", y: x.map(Math.cos) }] });

after(async () => {
  setOutputSink(null);
  await closeBrowser();
});

test("findChromium honours ELBO_LAB_CHROMIUM", () => {
  assert.equal(findChromium({ ELBO_LAB_CHROMIUM: "none" }).path, null);
  assert.match(findChromium({ ELBO_LAB_CHROMIUM: "/no/such/browser" }).reason, /not an executable/);
  if (chromium.path) assert.equal(findChromium({ ELBO_LAB_CHROMIUM: chromium.path }).path, chromium.path);
});

test("show: Plotly JSON + HTML + vector PDF, never image/png; plotly.js only with the first figure", { skip: NO_BROWSER }, async () => {
  resendPlotlyJs();
  const sent = capture();
  const t0 = Date.now();
  const r1 = await showFigure(fig);
  const first = Date.now() - t0;
  const r2 = await showFigure(sweepFigure({ title: "sweep", x: { label: "z" }, y: { label: "y" }, parameter: { label: "m", values: [0, 1, 2] }, frame: (m) => [{ x, y: x.map((v) => v * m) }] }));
  console.log(`# first show ${first} ms (browser launch + plotly.js load + render), then ${r2.renderMs} ms render`);
  assert.ok(r1.staticImage && r2.staticImage, `static images missing: ${r1.missing} / ${r2.missing}`);

  const lib = sent.filter((s) => String(s.msg.data["text/html"] ?? "").includes(PLOTLY_JS_MARKER));
  assert.equal(lib.length, 1, "plotly.js must be sent exactly once");
  assert.deepEqual(Object.keys(lib[0].msg.data), ["text/html"], "the library output holds only text/html (invisible in LaTeX and consoles)");
  assert.equal(sent.indexOf(lib[0]), 0, "the library comes before the first figure");

  for (const r of [r1, r2]) {
    const mine = sent.filter((s) => s.msg.transient.display_id === r.displayId);
    assert.deepEqual(mine.map((s) => s.update), [false, true], "an interactive display, then one update in place with the static image");
    const final = mine[1].msg.data;
    assert.ok(!("image/png" in final), "image/png would make JupyterLab's Plotly renderer show a picture");
    assert.ok(typeof final[PLOTLY_MIME] === "object", "Plotly JSON is an object, not a string");
    assert.equal(Buffer.from(String(final["application/pdf"]), "base64").subarray(0, 5).toString("latin1"), "%PDF-");
    const html = String(final["text/html"]);
    assert.match(html, /<img class="elbo-lab-static"[^>]*src="data:image\/png;base64,iVBOR/);
    assert.ok(!html.includes(PLOTLY_JS_MARKER), "figures do not carry the library");
    assert.ok(!/<\/script>[\s\S]*<\/script>[\s\S]*<\/script>/.test(html.replace(/<script/g, "")), "one script per figure");
  }
  const sweep = sent.find((s) => s.msg.transient.display_id === r2.displayId && s.update)!.msg.data[PLOTLY_MIME] as { frames?: unknown[] };
  assert.equal(sweep.frames?.length, 3, "slider frames travel in the Plotly JSON");
});

/** The text of a base64 PDF, by poppler's pdftotext (null when it is not installed). */
function pdfText(b64: string): string | null {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "elbo-lab-pdftext-"));
  try {
    const file = path.join(dir, "f.pdf");
    fs.writeFileSync(file, Buffer.from(b64, "base64"));
    const r = spawnSync("pdftotext", ["-layout", file, "-"], { encoding: "utf8" });
    return r.error ? null : r.stdout;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Width and height of a base64 PNG, from its IHDR chunk. */
function pngSize(b64: string): { width: number; height: number } {
  const b = Buffer.from(b64, "base64");
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

test("a slider figure prints as 4 labelled frames (PNG and PDF); a figure without frames prints as itself", { skip: NO_BROWSER }, async () => {
  capture();
  const means = [0, 0.5, 1, 1.5, 2, 2.5, 3];
  const slider = sweepFigure({
    title: "q slides over z",
    x: { label: "z" },
    y: { label: "density" },
    parameter: { label: "mean of q", values: means },
    frame: (m) => [{ role: "q", x, y: x.map((v) => Math.exp(-((v - m) ** 2))) }],
  });
  const final = async (f: typeof fig) => {
    const sent = capture();
    const r = await showFigure(f);
    assert.ok(r.staticImage, `no static image: ${r.missing}`);
    return sent.find((s) => s.msg.transient.display_id === r.displayId && s.update)!.msg.data;
  };
  const printed = await final(slider);
  const plain = await final(fig);

  // The PNG is the grid's size (twice the CSS px), not the single frame's; the frame-less figure keeps its own.
  const grid = smallMultiplesSize(slider, { width: 760, height: slider.layout.height as number });
  assert.deepEqual(pngSize(String(printed["text/html"]).match(/base64,([^"]+)"/)![1]), { width: 2 * grid.width, height: 2 * grid.height });
  assert.deepEqual(pngSize(String(plain["text/html"]).match(/base64,([^"]+)"/)![1]), { width: 2 * 760, height: 2 * 420 });

  const text = pdfText(String(printed["application/pdf"]));
  if (text === null) return; // no pdftotext: the sizes above are the check
  // The four panels' labels: first, last and two evenly between (means 0, 1, 2, 3); the others are not printed.
  for (const m of [0, 1, 2, 3]) assert.match(text, new RegExp(`mean of q = ${m}\\b(?!\\.)`), `panel label for mean ${m}`);
  for (const m of ["0.5", "1.5", "2.5"]) assert.ok(!text.includes(`mean of q = ${m}`), `frame ${m} is not one of the 4 panels`);
  assert.match(text, /4 of 7 slider positions/);
  const plainText = pdfText(String(plain["application/pdf"]))!;
  assert.ok(!/slider positions/.test(plainText), "a figure without frames is not turned into a grid");
});

test("show without a browser: interactive only, and the text says why", async () => {
  const saved = process.env.ELBO_LAB_CHROMIUM;
  process.env.ELBO_LAB_CHROMIUM = "none";
  try {
    const sent = capture();
    const r = await showFigure(fig);
    assert.equal(r.staticImage, false);
    const mine = sent.filter((s) => s.msg.transient.display_id === r.displayId);
    assert.equal(mine.length, 1, "no update when nothing is rendered");
    assert.ok(!("application/pdf" in mine[0].msg.data));
    assert.match(String(mine[0].msg.data["text/plain"]), /no static image: ELBO_LAB_CHROMIUM=none/);
    assert.match(String(mine[0].msg.data["text/html"]), /data-static="missing"/);
  } finally {
    if (saved === undefined) delete process.env.ELBO_LAB_CHROMIUM;
    else process.env.ELBO_LAB_CHROMIUM = saved;
  }
});

/** Runs `fn` with static images off (no browser work) and returns what was sent. */
async function withoutBrowser(fn: () => Promise<void>): Promise<Sent[]> {
  const saved = process.env.ELBO_LAB_CHROMIUM;
  process.env.ELBO_LAB_CHROMIUM = "none";
  try {
    const sent = capture();
    await fn();
    return sent;
  } finally {
    if (saved === undefined) delete process.env.ELBO_LAB_CHROMIUM;
    else process.env.ELBO_LAB_CHROMIUM = saved;
  }
}
const carriesLibrary = (s: Sent): boolean => String(s.msg.data["text/html"] ?? "").includes(PLOTLY_JS_MARKER);

test("plotly.js: with the first figure of every cell run from an interactive front end (cellId), once per session headless", async () => {
  resendPlotlyJs();
  try {
    // Headless (nbclient sends no cellId): three requests, four figures, one copy.
    const headless = await withoutBrowser(async () => {
      for (let seq = 1; seq <= 3; seq++) {
        setCurrentExecution({ seq, count: seq, cellId: null });
        await show(fig);
        if (seq === 2) await show(fig);
      }
    });
    assert.equal(headless.filter(carriesLibrary).length, 1, "headless: one copy per kernel session");
    // Interactive: every cell run that shows figures carries it once, before its first figure.
    const interactive = await withoutBrowser(async () => {
      for (let seq = 4; seq <= 6; seq++) {
        setCurrentExecution({ seq, count: seq, cellId: `cell-${seq % 2}` });
        await show(fig);
        if (seq === 5) await show(fig);
      }
    });
    const lib = interactive.map((s, i) => (carriesLibrary(s) ? i : -1)).filter((i) => i >= 0);
    assert.deepEqual(lib, [0, 2, 5], "interactive: one copy per cell run, just before its first figure (runs of 1, 2 and 1 figures)");
  } finally {
    setCurrentExecution(null);
    resendPlotlyJs();
  }
});

test("plotly.js: carried as a data block the parser does not run, then a loader that runs it once per page", async () => {
  const { plotlyJsHtml, PLOTLY_LOADER } = await import("./plotlyjs");
  const html = plotlyJsHtml();
  assert.match(html, new RegExp(`^<script type="text/plain" ${PLOTLY_JS_MARKER}="[^"]+">\\n`), "the library is a data block");
  assert.ok(html.endsWith(`<script type="text/javascript">${PLOTLY_LOADER}</script>`), "the loader follows it");
  assert.match(PLOTLY_LOADER, /function run\(\)\{if\(!window\.Plotly\)/, "the loader runs the library only without window.Plotly");
  assert.equal(html.split("</script>").length - 1, 2, "the library's own text cannot end its element early");
});

test("a figure's HTML: a one-line note the script removes, and no fixed-height box before it draws", async () => {
  const sent = await withoutBrowser(async () => {
    await show(fig);
  });
  const html = String(sent.filter((s) => !carriesLibrary(s))[0].msg.data["text/html"]);
  const note = new RegExp(`<p class="${FIGURE_NOTE_CLASS}" id="([^"]+)">([^<]*)</p>`).exec(html);
  assert.ok(note, "the note is plain HTML (kept by a sanitizer that strips scripts)");
  assert.equal(note[2], untrustedNote("sin and cos").replace(/"/g, "&quot;"));
  assert.match(untrustedNote("t"), /run its cell.*trust the notebook.*pip install plotly/);
  assert.ok(!/\n/.test(untrustedNote("t")), "one line");
  assert.match(html, /<div class="elbo-lab-live" id="[^"]+" style="width:100%"><\/div>/, "the plot's box has no height until the script draws it");
  assert.ok(html.includes(`removeChild(note)`) && html.includes(JSON.stringify(note[1])), "the script finds the note and removes it when it draws");
});

test("show rejects what is not a figure", async () => {
  capture();
  await assert.rejects(() => show({ layout: {} } as never), /must be a Plotly figure/);
});
