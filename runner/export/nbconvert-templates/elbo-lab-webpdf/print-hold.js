/*
 * ELBO Lab's webpdf template: hold the network busy until the page is ready to print.
 *
 * nbconvert's webpdf opens the page with Playwright's `goto(wait_until="networkidle")`, waits
 * `page_render_timeout` (100 ms by default) and prints. "networkidle" is 500 ms without a request; it does
 * not wait for the page's `load` event, let alone for MathJax, which typesets after `load`. On a busy machine
 * the PDF printed half-parsed pages or raw TeX. This script starts a worker that requests a file that does
 * not exist (`<page>.print-hold?N`, a failed request every 50 ms) until the page has loaded and MathJax has
 * finished its first typesetting, so "networkidle" comes 500 ms after the page is ready. The worker has its
 * own thread: the page's long tasks (parsing, typesetting) cannot starve its timer. It gives up after 120 s.
 * A page without MathJax (or whose MathJax failed to load) is ready at `load`.
 * The readiness is published as `window.elboLabPrintHold` ({ releasedAt, reason }) for tests.
 */
(function () {
  var LIMIT_MS = 120000, PERIOD_MS = 50;
  var state = (window.elboLabPrintHold = { releasedAt: null, reason: null });
  var t0 = Date.now();
  var target = location.href.split("#")[0].split("?")[0] + ".print-hold";
  var source =
    "var n=0,on=true,t0=Date.now();onmessage=function(){on=false;};" +
    "function tick(){if(!on||Date.now()-t0>" + LIMIT_MS + ")return;" +
    "try{importScripts(" + JSON.stringify(target) + "+'?'+(n++));}catch(e){}setTimeout(tick," + PERIOD_MS + ");}tick();";
  var worker;
  try {
    worker = new Worker(URL.createObjectURL(new Blob([source], { type: "text/javascript" })));
  } catch (e) {
    state.reason = "no worker: " + e;
    return;
  }
  function release(reason) {
    if (state.releasedAt !== null) return;
    state.releasedAt = Date.now() - t0;
    state.reason = reason;
    worker.postMessage("release");
  }
  window.addEventListener("load", function () {
    var MJ = window.MathJax;
    if (MJ && MJ.Hub && MJ.Hub.Register && MJ.Hub.Queue) {
      // After MathJax's start-up typesetting, and after anything queued before it (nbconvert queues a Typeset).
      MJ.Hub.Register.StartupHook("End", function () {
        MJ.Hub.Queue(function () { release("typeset"); });
      });
    } else {
      release("loaded, no MathJax");
    }
  });
})();
