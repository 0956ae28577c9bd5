/**
 * The PDF checker must fail the PDFs it exists to catch: a print that stopped early (webpdf printing
 * before Chromium had read the page), math left as TeX (MathJax not loaded), figures missing, inputs
 * that should have been removed. Small PDFs are printed by Chromium from hand-written pages standing in
 * for each case, and the checker judges them against one notebook.
 */
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, test } from "node:test";
import { closeBrowser, getBrowser } from "../../kernel/browser";
import { findChromium } from "../../kernel/chromium";
import { PLOTLY_MIME } from "../../kernel/display";
import { checkPdf, expectations, pdfProblems, plainChunks } from "./pdf-check";

const skip = !findChromium().path ? "no Chromium" : spawnSync("pdftotext", ["-v"]).error ? "no poppler-utils" : false;

const nb = {
  cells: [
    { cell_type: "markdown", source: "# One · the evidence\n\nBayes: $\\log p(x) = \\log \\frac{p(x, z)}{p(z \\mid x)}$." },
    { cell_type: "code", metadata: { tags: ["remove-input"] }, source: "await show(plotOfTheEvidence);", outputs: [{ output_type: "display_data", data: { [PLOTLY_MIME]: { layout: { title: { text: "The evidence" } } } } }] },
    { cell_type: "code", source: 'console.log("\\\\frac is only text here");', outputs: [] },
    { cell_type: "markdown", source: "## Two · the bound\n\nThe last words of the notebook." },
  ],
};
/** A 1×1 PNG: stands in for a figure's static image. */
const PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";
const page = (body: string) => `<!doctype html><html><body style="font-family:sans-serif">${body}</body></html>`;
const complete =
  "<h1>One · the evidence</h1><p>Bayes: log p(x) = log p(x, z) / p(z ∣ x).</p>" +
  `<img src="data:image/png;base64,${PNG}" width="200" height="100"><pre>console.log("\\frac is only text here");</pre>` +
  "<h2>Two · the bound</h2><p>The last words of the notebook.</p>";

let dir = "";
async function print(name: string, body: string): Promise<string> {
  dir ||= fs.mkdtempSync(path.join(os.tmpdir(), "elbo-lab-pdfcheck-"));
  const browser = await getBrowser();
  const p = await browser.newPage();
  try {
    await p.setContent(page(body));
    const file = path.join(dir, `${name}.pdf`);
    fs.writeFileSync(file, await p.pdf({ format: "A4" }));
    return file;
  } finally {
    await p.close();
  }
}

after(async () => {
  await closeBrowser();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

test("plainChunks keeps the words of a heading and drops its math and markup", () => {
  assert.deepEqual(plainChunks("## Step 3 · the ELBO $\\mathcal{L}(q)$ and **why** it [bounds](x.md) `log p`"), ["Step 3 · the ELBO", "and why it bounds log p"]);
});

test("expectations: headings in order, the last cell, TeX commands with what code may print, figures, removed inputs", () => {
  const e = expectations(nb);
  assert.deepEqual(e.headings, ["One · the evidence", "Two · the bound"]);
  assert.deepEqual(e.lastCell, ["The last words of the notebook."]);
  assert.deepEqual([...e.texCommands], [["\\log", 0], ["\\frac", 1], ["\\mid", 0]]);
  assert.deepEqual(e.figures, ["The evidence"]);
  assert.deepEqual(e.removedInputs, ["await show(plotOfTheEvidence);"]);
});

test("a complete, typeset PDF with its figure passes", { skip }, async () => {
  const e = expectations(nb);
  assert.deepEqual(pdfProblems(checkPdf(await print("complete", complete), e), e, { rasterFigures: true }), []);
});

test("a hyphenated word broken at a line's end (pdftotext drops its hyphen) still counts as found", { skip }, async () => {
  const hyphenated = {
    cells: [
      { cell_type: "markdown", source: "# One · the evidence" },
      { cell_type: "markdown", source: "## How far below? The importance-weighted bound\n\nThe score-function gradient, last." },
    ],
  };
  const e = expectations(hyphenated);
  // Columns narrow enough that each hyphenated word breaks at its hyphen.
  const body = '<h1>One · the evidence</h1><h2 style="width:11ch">How far below? The importance-weighted bound</h2><p style="width:9ch">The score-function gradient, last.</p>';
  const f = checkPdf(await print("hyphenated", body), e);
  // The case under test: pdftotext gives the broken words without their hyphens.
  assert.match(f.text, /importanceweighted/, "the heading broke at its hyphen");
  assert.match(f.text, /scorefunction/, "the last line broke at its hyphen");
  assert.deepEqual(pdfProblems(f, e, { rasterFigures: false }).filter((p) => p.startsWith("incomplete")), []);
});

test("a print that stopped early, raw TeX, a missing figure and a removed input shown all fail", { skip }, async () => {
  const e = expectations(nb);
  const truncated = checkPdf(await print("truncated", complete.slice(0, complete.indexOf("<h2>"))), e);
  assert.deepEqual(truncated.missingHeadings, ["Two · the bound"]);
  assert.equal(truncated.lastCellFound, false);
  const raw = checkPdf(await print("raw", complete.replace("log p(x) = log p(x, z) / p(z ∣ x)", "$\\log p(x) = \\log \\frac{p(x, z)}{p(z \\mid x)}$")), e);
  assert.ok(raw.rawMath.length >= 2, `raw TeX found: ${raw.rawMath.join(", ")}`);
  const noFigure = checkPdf(await print("nofigure", complete.replace(/<img[^>]*>/, "")), e);
  assert.match(pdfProblems(noFigure, e, { rasterFigures: true }).join("\n"), /0 images for 1 figures/);
  const shown = checkPdf(await print("shown", complete + "<pre>await show(plotOfTheEvidence);</pre>"), e);
  assert.deepEqual(shown.removedInputsShown, ["await show(plotOfTheEvidence);"]);
});
