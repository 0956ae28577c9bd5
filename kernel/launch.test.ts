/**
 * The launcher seen from Jupyter's own client (jupyter_client, as nbclient and JupyterLab use it):
 * one kernel_info round trip makes it ready (its sockets listen while the TypeScript converter is
 * built, so no request is lost to ZeroMQ's late subscriber), and Jupyter's interrupt (SIGINT)
 * stops a waiting cell while the kernel lives on and runs the next.
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
    kc.wait_for_ready(timeout=60)
    out["readySeconds"] = time.monotonic() - t0
    # wait_for_ready re-sends kernel_info whenever the status it expects on IOPub was lost;
    # each extra request leaves an extra reply behind on the shell channel.
    stray = 0
    try:
        while True:
            if kc.get_shell_msg(timeout=0.5)["msg_type"] == "kernel_info_reply":
                stray += 1
    except Empty:
        pass
    out["strayKernelInfoReplies"] = stray
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

test("jupyter_client: ready after one kernel_info; an interrupt stops a waiting cell and the kernel runs on", () => {
  const py = findJupyterPython().found;
  assert.ok(py, "a Jupyter python is needed for this test");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "elbo-lab-launch-test-"));
  try {
    writeKernelSpec(dir, projectRoot());
    const r = spawnSync(py.python, ["-c", CLIENT], { env: { ...process.env, JUPYTER_PATH: dir }, encoding: "utf8", timeout: 120_000 });
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout.trim().split("\n").pop() as string) as Record<string, unknown>;
    assert.equal(out.strayKernelInfoReplies, 0, `wait_for_ready needed more than one kernel_info round trip: ${JSON.stringify(out)}`);
    assert.equal(out.interruptedStatus, "error", JSON.stringify(out));
    assert.ok((out.interruptSeconds as number) < 10, `the interrupt took ${out.interruptSeconds} s`);
    assert.equal(out.aliveAfterInterrupt, true);
    assert.equal(out.nextStatus, "ok", JSON.stringify(out));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
