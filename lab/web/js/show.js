// What the Lab's panels share: Graphviz (WebAssembly) to render the DOT Python sends, and
// numbers shown to 4 significant digits with the full value on hover. No number is computed.
import { instance as vizInstance } from "../viz/viz.js";

let viz = null;
const graphviz = () => (viz ??= vizInstance());

export async function renderDot(dot) {
  const svg = (await graphviz()).renderSVGElement(dot);
  svg.removeAttribute("width");
  svg.removeAttribute("height");
  return svg;
}

// A number to 4 significant digits ("nan" for Python's None); `num` adds the full value on hover.
export const fmt = (x) => (x === null || x === undefined ? "nan" : Number.parseFloat(x.toPrecision(4)).toString());

export function num(x) {
  const span = document.createElement("span");
  span.className = "num";
  span.textContent = fmt(x);
  if (x !== null && x !== undefined) span.title = String(x);
  return span;
}

export function element(tag, text, className) {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (className) e.className = className;
  return e;
}
