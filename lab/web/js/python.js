// The page's side of the worker: call(method, args) is a Promise of the result of
// lab.session.Lab.<method>(**args), run in the worker, or rejects with its error.
//
// stop() ends the call that is running and the calls waiting behind it. When the page is
// cross-origin isolated (lab/serve.py sends the headers), Python is interrupted through a
// shared buffer: slot 0 is Pyodide's signal (2 raises KeyboardInterrupt) and Lab.call puts the
// run back as it was before the call; slot 1 counts the Stops, and a call sent before the last
// Stop is answered without being run. Elsewhere
// nothing can reach into a busy worker, so stop() ends the worker and starts a new one,
// whose run the page then rebuilds (see main.js).
export class Python {
  constructor() {
    this.pending = new Map();
    this.next = 1;
    this.onfatal = null;
    this.onrestart = null;
    this.start();
  }

  start() {
    this.worker = new Worker(new URL("./worker.js", import.meta.url), { type: "module" });
    this.interrupts = self.crossOriginIsolated ? new Int32Array(new SharedArrayBuffer(8)) : null;
    if (this.interrupts) this.worker.postMessage({ interruptBuffer: this.interrupts });
    this.worker.onmessage = (event) => {
      const { id, reply } = event.data;
      const { resolve, reject } = this.pending.get(id);
      this.pending.delete(id);
      const answer = JSON.parse(reply);
      if ("error" in answer) {
        const error = new Error(answer.error);
        error.traceback = answer.traceback;
        reject(error);
        if (answer.fatal) this.restart(error);
      } else {
        resolve(answer.result);
      }
    };
    this.worker.onerror = (event) => {
      const error = new Error(`the Python worker stopped: ${event.message || "it could not be loaded"}`);
      this.rejectAll(error);
      if (this.onfatal) this.onfatal(error);
    };
    this.ready = this.call("__ready__");
  }

  get busy() {
    return this.pending.size > 0;
  }

  // True when a running call can be interrupted where it is (the page is cross-origin isolated).
  get interruptible() {
    return this.interrupts !== null;
  }

  // "interrupted": Python was asked to stop (the call's Promise rejects with its message);
  // "restarted": the worker was ended and a new one started; "idle": nothing was running.
  stop() {
    if (!this.busy) return "idle";
    if (this.interrupts) {
      Atomics.add(this.interrupts, 1, 1);  // the calls waiting are not run
      Atomics.store(this.interrupts, 0, 2);  // SIGINT: KeyboardInterrupt at Python's next check
      return "interrupted";
    }
    this.worker.terminate();
    this.rejectAll(Object.assign(new Error("Stopped: the Python worker was restarted"), { restarted: true }));
    this.start();
    return "restarted";
  }

  // Pyodide failed in a way it cannot go on from (its state is undefined after it): a new worker,
  // the calls waiting rejected with the error, and onrestart told (the page rebuilds its run).
  restart(error) {
    error.restarted = true;  // the console, say, starts afresh
    this.worker.terminate();
    this.rejectAll(error);
    this.start();
    this.onrestart?.(error);
  }

  rejectAll(error) {
    for (const { reject } of this.pending.values()) reject(error);
    this.pending.clear();
  }

  call(method, args = {}) {
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      const stops = this.interrupts ? Atomics.load(this.interrupts, 1) : 0;
      this.worker.postMessage({ id, method, args, stops });
    });
  }
}
