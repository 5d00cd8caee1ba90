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

// Put Python's sentence in `target`, its words with the notes' superscripts (w⁽¹⁾₁₁, dz⁽¹⁾₁/dw⁽¹⁾₁₁)
// each kept on one line: a browser may break a line after ⁾. The text itself is unchanged.
export function setSentence(target, text) {
  target.replaceChildren(...text.split(/(\S*⁾\S*)/).map((part, i) => (i % 2 ? element("span", part, "unbroken") : part)));
}

// Scroll `box` (and only it: not the page, not the panel) so that `element` is in view;
// `center` puts it in the middle when it is not already wholly inside.
export function reveal(box, element, { center = false } = {}) {
  if (!box || !element) return;
  const b = box.getBoundingClientRect();
  const e = element.getBoundingClientRect();
  const [top, left] = [b.top + box.clientTop, b.left + box.clientLeft];
  const inside = e.left >= left && e.right <= left + box.clientWidth && e.top >= top && e.bottom <= top + box.clientHeight;
  if (inside) return;
  if (center) {
    box.scrollLeft += e.left - left - box.clientWidth / 2 + e.width / 2;
    box.scrollTop += e.top - top - box.clientHeight / 2 + e.height / 2;
  } else {
    if (e.top < top) box.scrollTop += e.top - top;
    else if (e.bottom > top + box.clientHeight) box.scrollTop += e.bottom - top - box.clientHeight;
    if (e.left < left) box.scrollLeft += e.left - left;
    else if (e.right > left + box.clientWidth) box.scrollLeft += e.right - left - box.clientWidth;
  }
}
