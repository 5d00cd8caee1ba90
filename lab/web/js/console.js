// The Console tab: a Python prompt in the worker (lab/console.py), with the run's model, data
// and optimizer bound. Its banner and every output are Python's; graphs come back as DOT.
import { element, renderDot } from "./show.js";

const $ = (id) => document.getElementById(id);

export function createConsole({ py }) {
  const history = [];
  let back = 0;
  const output = $("console-output");
  const input = $("console-input");
  let opened = false;

  async function run(code) {
    if (!opened) {
      opened = true;
      output.append(`${await py.call("console_banner")}\n`);
    }
    const prompt = $("console-prompt").textContent;
    output.append(`${prompt} ${code}\n`);
    let reply;
    try {
      reply = await py.call("python", { code });
    } catch (error) {
      output.append(`${error.message}\n`);
      if (error.restarted) {  // a new worker: a new console, whose banner the next line shows
        opened = false;
        $("console-prompt").textContent = ">>>";
      }
      return error.message;
    }
    output.append(reply.output);
    for (const dot of reply.graphs) {
      const figure = element("div", undefined, "console-graph");
      figure.append(await renderDot(dot));
      output.append(figure);
    }
    $("console-prompt").textContent = reply.more ? "..." : ">>>";
    output.scrollTop = output.scrollHeight;
    return reply.output;
  }

  input.addEventListener("keydown", async (event) => {
    if (event.key === "Enter") {
      const code = input.value;
      input.value = "";
      if (code.trim()) history.push(code);
      back = history.length;
      await run(code);
    } else if (event.key === "ArrowUp") {
      if (back > 0) input.value = history[--back];
      event.preventDefault();
    } else if (event.key === "ArrowDown") {
      back = Math.min(history.length, back + 1);
      input.value = history[back] ?? "";
      event.preventDefault();
    }
  });

  return { run, focus: () => input.focus() };
}
