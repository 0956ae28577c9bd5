/**
 * execute_input, seen from Jupyter's own clients: jupyter_client gets one per cell that runs, before
 * the cell's outputs, with the code and the count the reply gives (also for a failing cell); a cell
 * sees the front end's cellId; and nbclient, run cell by cell as the runner does (no count passed
 * in), numbers every code cell of the executed notebook, including the one that fails.
 */
import { spawnSync } from "node:child_process";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { test } from "node:test";
import { findJupyterPython, projectRoot, writeKernelSpec } from "./jupyter";

const CLIENT = String.raw`
import json, sys
from queue import Empty
from jupyter_client.manager import KernelManager
import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

execution_js = sys.argv[1]
out = {}
km = KernelManager(kernel_name="tslab")
km.start_kernel()
kc = km.client()
kc.start_channels()

def run(code, cell_id=None):
    msg = kc.session.msg("execute_request", {"code": code, "silent": False, "store_history": True, "user_expressions": {}, "allow_stdin": False, "stop_on_error": True}, metadata={"cellId": cell_id} if cell_id else {})
    kc.shell_channel.send(msg)
    mid = msg["header"]["msg_id"]
    while True:
        r = kc.get_shell_msg(timeout=60)
        if r["parent_header"].get("msg_id") == mid:
            break
    seen = []
    while True:
        m = kc.get_iopub_msg(timeout=10)
        if m["parent_header"].get("msg_id") != mid:
            continue
        t = m["msg_type"]
        if t == "execute_input":
            seen.append({"type": t, "code": m["content"]["code"], "count": m["content"]["execution_count"]})
        elif t == "stream":
            seen.append({"type": t, "name": m["content"]["name"], "text": m["content"]["text"]})
        elif t == "status":
            seen.append({"type": t, "state": m["content"]["execution_state"]})
            if m["content"]["execution_state"] == "idle":
                break
    return {"status": r["content"]["status"], "count": r["content"].get("execution_count"), "iopub": seen}

try:
    kc.wait_for_ready(timeout=60)
    out["ok"] = run("console.log(6 * 7);")
    out["fails"] = run("throw new Error('on purpose');")
    import time; time.sleep(0.5)  # tslab aborts requests that arrive within 200 ms of an error
    out["withCellId"] = run("import { currentExecution } from " + json.dumps(execution_js) + ";\nconsole.log(JSON.stringify(currentExecution()));", "cell-abc")
finally:
    kc.stop_channels()
    km.shutdown_kernel(now=True)

nb = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "tslab", "display_name": "TypeScript", "language": "typescript"}})
nb.cells = [nbformat.v4.new_markdown_cell("# title"), nbformat.v4.new_code_cell("const a: number = 1;"), nbformat.v4.new_code_cell("console.log(a + 1);"), nbformat.v4.new_code_cell("throw new Error('stop');")]
client = NotebookClient(nb, kernel_name="tslab")
with client.setup_kernel():
    for i, cell in enumerate(nb.cells):
        try:
            client.execute_cell(cell, i)
        except CellExecutionError:
            pass
out["nbclientCounts"] = [c.get("execution_count") for c in nb.cells if c.cell_type == "code"]
print(json.dumps(out))
`;

test("execute_input: sent before each cell's outputs with the reply's count; nbclient numbers cells run one by one", { timeout: 180_000 }, () => {
  const py = findJupyterPython().found;
  assert.ok(py, "a Jupyter python is needed for this test");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "elbo-lab-execute-input-"));
  try {
    writeKernelSpec(dir, projectRoot());
    const executionJs = path.join(projectRoot(), "dist", "kernel", "execution");
    const r = spawnSync(py.python, ["-c", CLIENT, executionJs], { cwd: dir, env: { ...process.env, JUPYTER_PATH: dir }, encoding: "utf8", timeout: 170_000 });
    assert.equal(r.status, 0, r.stderr);
    type Seen = { type: string; code?: string; count?: number; name?: string; text?: string; state?: string };
    type Run = { status: string; count: number; iopub: Seen[] };
    const out = JSON.parse(r.stdout.trim().split("\n").pop() as string) as { ok: Run; fails: Run; withCellId: Run; nbclientCounts: Array<number | null> };
    const show = JSON.stringify(out);

    assert.equal(out.ok.status, "ok", show);
    assert.deepEqual(
      out.ok.iopub.map((m) => m.type),
      ["status", "execute_input", "stream", "status"],
      `busy, execute_input, the output, idle: ${show}`,
    );
    assert.deepEqual(out.ok.iopub[1], { type: "execute_input", code: "console.log(6 * 7);", count: out.ok.count });
    assert.equal(out.ok.iopub[2].text, "42\n");

    assert.equal(out.fails.status, "error", show);
    const input = out.fails.iopub.find((m) => m.type === "execute_input");
    assert.equal(input?.count, out.fails.count, `a failing cell is announced with its reply's count: ${show}`);
    assert.equal(out.fails.count, out.ok.count + 1);

    assert.equal(out.withCellId.status, "ok", show);
    const printed = out.withCellId.iopub.find((m) => m.type === "stream" && m.name === "stdout")?.text ?? "";
    const cur = JSON.parse(printed) as { seq: number; count: number; cellId: string | null };
    assert.equal(cur.cellId, "cell-abc", `the cell sees the front end's cellId: ${show}`);
    assert.equal(cur.count, out.withCellId.count);
    assert.equal(cur.seq, 3, "three requests ran");

    assert.deepEqual(out.nbclientCounts, [1, 2, 3], `nbclient, cell by cell, numbers every code cell (the failing one too): ${show}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
