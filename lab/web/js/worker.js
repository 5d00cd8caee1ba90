// The Lab's Web Worker: CPython (Pyodide) running this project's autograd and nn.
// It loads lab.session and answers each message {id, method, args} with
// {id, reply}, where reply is the JSON text of Lab.call(method, args):
// {"result": ...} or {"error": "..."}. No number is computed here. A message
// {interruptBuffer} (a shared Int32Array) lets the page interrupt Python: a 2 written into
// slot 0 raises KeyboardInterrupt in the call that is running; slot 1 counts the page's Stops,
// and a call sent before the last one (`stops`, the count when it was sent) is not run.
import { loadPyodide } from "../pyodide/pyodide.mjs";

const here = (path) => new URL(path, import.meta.url).href;
let interrupts = null;

async function start() {
  const pyodide = await loadPyodide({ indexURL: here("../pyodide/") });
  const zip = await fetch(here("../py/lab-python.zip"));
  if (!zip.ok) throw new Error(`cannot load the Python files (${zip.status} ${zip.statusText})`);
  pyodide.unpackArchive(await zip.arrayBuffer(), "zip", { extractDir: "/home/pyodide/lab-python" });
  pyodide.runPython(`
import sys
sys.path.insert(0, "/home/pyodide/lab-python")
from lab.session import Lab
lab = Lab()
`);
  return { pyodide, lab: pyodide.globals.get("lab") };
}

const ready = start();

self.onmessage = async (event) => {
  const { id, method, args, stops, interruptBuffer } = event.data;
  if (interruptBuffer) {
    interrupts = interruptBuffer;
    (await ready).pyodide.setInterruptBuffer(interrupts);
    return;
  }
  let lab;
  try {
    ({ lab } = await ready);
  } catch (error) {
    self.postMessage({ id, reply: JSON.stringify({ error: `Python did not start: ${error.message}` }) });
    return;
  }
  if (method === "__ready__") {
    self.postMessage({ id, reply: JSON.stringify({ result: true }) });
    return;
  }
  // A Stop meant for a call that has ended is not this one's: clear its signal, and only then look
  // at the count, so that a Stop landing in between is seen by one or the other (the other way
  // round, a Stop between the two was cleared away and the call ran on, uninterruptible).
  if (interrupts) Atomics.store(interrupts, 0, 0);
  if (interrupts && stops < Atomics.load(interrupts, 1)) {  // stopped while it waited
    self.postMessage({ id, reply: JSON.stringify({ error: `Stopped: ${method} was not run` }) });
    return;
  }
  let reply;
  try {
    reply = lab.call(method, JSON.stringify(args ?? {}));
  } catch (error) {  // Pyodide itself failed (out of memory, the stack overflowed): it cannot go on
    reply = JSON.stringify({ error: `the Python worker failed: ${error.message}`, fatal: true });
  }
  self.postMessage({ id, reply });
};
