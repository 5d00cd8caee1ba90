// The page's side of the worker: call(method, args) is a Promise of the result of
// lab.session.Lab.<method>(**args), run in the worker, or rejects with its error.
export class Python {
  constructor() {
    this.worker = new Worker(new URL("./worker.js", import.meta.url), { type: "module" });
    this.pending = new Map();
    this.next = 1;
    this.worker.onmessage = (event) => {
      const { id, reply } = event.data;
      const { resolve, reject } = this.pending.get(id);
      this.pending.delete(id);
      const answer = JSON.parse(reply);
      if ("error" in answer) {
        const error = new Error(answer.error);
        error.traceback = answer.traceback;
        reject(error);
      } else {
        resolve(answer.result);
      }
    };
    this.worker.onerror = (event) => {
      const error = new Error(`the Python worker stopped: ${event.message || "it could not be loaded"}`);
      for (const { reject } of this.pending.values()) reject(error);
      this.pending.clear();
      if (this.onfatal) this.onfatal(error);
    };
    this.ready = this.call("__ready__");
  }

  call(method, args = {}) {
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, method, args });
    });
  }
}
