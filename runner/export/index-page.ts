/** `build/index.html`: one row per notebook, linking its HTML and PDF, with what the export found. */

export interface IndexRow {
  name: string;
  status: string;
  html: string | null;
  pdf: string | null;
  figures: number;
  drawn: number | null;
  pages: number | null;
  missingStatic: string[];
  problems: string[];
}

const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c] as string);

export function indexHtml(rows: IndexRow[], when: Date = new Date()): string {
  const body = rows
    .map((r) => {
      const notes = [...r.missingStatic.map((m) => `no static image: ${m}`), ...r.problems].map((n) => `<li>${esc(n)}</li>`).join("");
      return (
        `<tr><td>${esc(r.name)}</td><td class="${r.status === "ok" ? "ok" : "bad"}">${esc(r.status)}</td>` +
        `<td>${r.html ? `<a href="${esc(r.html)}">HTML</a>` : "–"}</td><td>${r.pdf ? `<a href="${esc(r.pdf)}">PDF</a>` : "–"}</td>` +
        `<td style="text-align:right">${r.drawn === null ? r.figures : `${r.drawn}/${r.figures}`}</td>` +
        `<td style="text-align:right">${r.pages ?? "–"}</td><td>${notes ? `<ul>${notes}</ul>` : ""}</td></tr>`
      );
    })
    .join("\n");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>ELBO Lab — notebooks</title>
<style>
body{font-family:Helvetica,Arial,sans-serif;max-width:960px;margin:2em auto;padding:0 1em;color:#222}
table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #ddd;padding:6px 8px;vertical-align:top;text-align:left}
td.ok{color:#009E73}td.bad{color:#D55E00;font-weight:bold}ul{margin:0;padding-left:1.2em;font-size:90%}
</style></head><body>
<h1>ELBO Lab</h1>
<p>Each notebook as an interactive page (works offline: plotly.js and MathJax travel with it) and as a PDF.
Exported ${esc(when.toISOString().replace("T", " ").replace(/\..*/, " UTC"))}.</p>
<table><thead><tr><th>notebook</th><th>run</th><th>interactive</th><th>print</th><th>figures drawn</th><th>PDF pages</th><th>notes</th></tr></thead>
<tbody>
${body}
</tbody></table>
</body></html>
`;
}
