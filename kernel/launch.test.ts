/**
 * The launcher seen from Jupyter's own client (jupyter_client, as nbclient and JupyterLab use it),
 * now that it starts tslab's server itself (sockets first, then the converter): the first
 * kernel_info is answered with its status messages on IOPub, Jupyter's interrupt (SIGINT) stops a
 * waiting cell, and the kernel lives on and runs the next. (How much sooner it is ready is a speed
 * figure: see the bench's kernel start.)
 */
import { spawnSync } from "node:child_process";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { test } from "node:test";
import { findJupyterPython, projectRoot, writeKernelSpec } from "./jupyter";

const CLIENT = String.raw`
import json, sys, time
from queue import Empty
from jupyter_client.manager import KernelManager

def reply(kc, msg_id):
    while True:
        m = kc.get_shell_msg(timeout=30)
        if m["parent_header"].get("msg_id") == msg_id:
            return m

out = {}
km = KernelManager(kernel_name="tslab")
t0 = time.monotonic()
km.start_kernel()
kc = km.client()
kc.start_channels()
try:
    # One kernel_info request, as the first thing a client sends. Its reply comes once the
    # converter is built, and the status messages around it must reach IOPub. (Not
    # wait_for_ready: it re-asks after each second without a reply, so what one request gets
    # would depend on the machine's speed.)
    mid = kc.kernel_info()
    reply(kc, mid)
    out["readySeconds"] = time.monotonic() - t0
    states = []
    deadline = time.monotonic() + 2
    while time.monotonic() < deadline and states[-1:] != ["idle"]:
        try:
            m = kc.get_iopub_msg(timeout=0.2)
        except Empty:
            continue
        if m["msg_type"] == "status" and m["parent_header"].get("msg_id") == mid:
            states.append(m["content"]["execution_state"])
    out["kernelInfoStatuses"] = states
    t = time.monotonic()
    mid = kc.execute("await new Promise((r) => setTimeout(r, 30000));")
    time.sleep(1.0)
    km.interrupt_kernel()
    r = reply(kc, mid)
    out["interruptedStatus"] = r["content"]["status"]
    out["interruptSeconds"] = time.monotonic() - t
    out["aliveAfterInterrupt"] = km.is_alive()
    # tslab aborts whatever arrives within 200 ms of an error (cells queued behind it), as
    # ipykernel's stop_on_error does; a cell run after that runs.
    time.sleep(0.5)
    for code in ("1 + 1;", "const answer: number = 6 * 7;\nconsole.log(answer);"):
        mid = kc.execute(code)
        r = reply(kc, mid)
    out["nextStatus"] = r["content"]["status"]
finally:
    kc.stop_channels()
    km.shutdown_kernel(now=True)
print(json.dumps(out))
`;

test("jupyter_client: the first kernel_info is answered, with its status on IOPub; an interrupt stops a waiting cell and the kernel runs on", () => {
  const py = findJupyterPython().found;
  assert.ok(py, "a Jupyter python is needed for this test");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "elbo-lab-launch-test-"));
  try {
    writeKernelSpec(dir, projectRoot());
    const r = spawnSync(py.python, ["-c", CLIENT], { env: { ...process.env, JUPYTER_PATH: dir }, encoding: "utf8", timeout: 120_000 });
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout.trim().split("\n").pop() as string) as Record<string, unknown>;
    assert.deepEqual(out.kernelInfoStatuses, ["busy", "idle"], `the first kernel_info's status messages did not all reach IOPub: ${JSON.stringify(out)}`);
    assert.equal(out.interruptedStatus, "error", JSON.stringify(out));
    assert.ok((out.interruptSeconds as number) < 10, `the interrupt took ${out.interruptSeconds} s`);
    assert.equal(out.aliveAfterInterrupt, true);
    assert.equal(out.nextStatus, "ok", JSON.stringify(out));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
