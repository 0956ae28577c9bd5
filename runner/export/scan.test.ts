import { strict as assert } from "node:assert";
import { test } from "node:test";
import { figureBundle } from "../../kernel/display";
import { PLOTLY_JS_MARKER } from "../../kernel/plotlyjs";
import { externalReferences, postprocess } from "./postprocess";
import { scanNotebook } from "./scan";

const fig = { data: [{ type: "scatter" as const, x: [0, 1], y: [1, 2] }], layout: { title: { text: "a line" } } };

test("scanNotebook lists figures and names those without a static image", () => {
  const withImage = figureBundle(fig, "f1", { png: "iVBOR", pdf: "JVBERi", width: 10, height: 10, ms: 1 }, null, 420);
  const without = figureBundle(fig, "f2", null, "ELBO_LAB_CHROMIUM=none turns static images off", 420);
  const scan = scanNotebook({
    cells: [
      { cell_type: "markdown", source: "$\\log p(x)$" },
      { cell_type: "code", outputs: [{ output_type: "display_data", data: { "text/html": `<script ${PLOTLY_JS_MARKER}="3"></script>` } }, { output_type: "display_data", data: withImage }] },
      { cell_type: "code", outputs: [{ output_type: "display_data", data: without }] },
    ],
  });
  assert.deepEqual(scan, {
    figures: [
      { cell: 1, title: "a line", missingStatic: null },
      { cell: 2, title: "a line", missingStatic: "ELBO_LAB_CHROMIUM=none turns static images off" },
    ],
    carriesPlotlyJs: true,
    hasMath: true,
  });
});

test("postprocess adds print CSS, inlines plotly.js only when no output carries it, and lists outside references", () => {
  const html = `<html><head><script src="https://cdn.example/x.js"></script><script src="_static/require.min.js"></script></head><body><script>var s = "<img src='http://x'>";</script></body></html>`;
  const a = postprocess(html, { figures: 1, carriesPlotlyJs: true });
  assert.ok(a.html.includes("@media print") && !a.injectedPlotlyJs);
  assert.deepEqual(a.external, ["https://cdn.example/x.js"], "inline script text is not a reference");
  const b = postprocess(html, { figures: 2, carriesPlotlyJs: false });
  assert.ok(b.injectedPlotlyJs && b.html.includes(PLOTLY_JS_MARKER));
  assert.deepEqual(externalReferences(`<link href="file:///usr/share/x.css"><img src="data:image/png;base64,AA">`), ["file:///usr/share/x.css"]);
});
