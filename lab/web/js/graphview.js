// The chain rule panel's graph box: Graphviz's drawing of the DOT Python sends, left to right
// or top to bottom (Python writes both, each with its records stacked for its direction),
// whichever reads better in the box, and zoomed so that node text never falls below a floor.
// The choice and the zoom are the page's job; every label and number in the drawing is Python's.
import { reveal, renderDot } from "./show.js";

const LAYOUTS = ["LR", "TB"];  // Python's own first: it wins a tie
const LARGEST_TEXT_PX = 32;  // Fit does not blow a small graph up beyond this
const SCROLL_TEXT_GAIN = 1.25;  // when the graph scrolls anyway, text grows at most this much past the floor
const TIE = 1.02;  // zooms within 2% read the same

const naturalSize = (svg) => [svg.viewBox.baseVal.width, svg.viewBox.baseVal.height];

// The nodes' font size in Graphviz's units (the median: a few cluster titles are smaller).
function nodeFontSize(svg) {
  const sizes = [...svg.querySelectorAll("g.node text")].map((t) => Number(t.getAttribute("font-size"))).filter((s) => s > 0);
  sizes.sort((a, b) => a - b);
  return sizes.length ? sizes[sizes.length >> 1] : 14;
}

// How one drawing fits a box of width x height with node text of at least floorPx:
// the whole graph when that keeps the text readable; else the width, scrolling down;
// else the floor, scrolling both ways. `seen`: the share of the graph in view.
export function fitInBox(svg, width, height, floorPx) {
  const [w, h] = naturalSize(svg);
  const font = nodeFontSize(svg);
  const floor = floorPx / font;
  const whole = Math.min(width / w, height / h);
  let zoom;
  let fits;
  if (whole >= floor) [zoom, fits] = [Math.min(whole, LARGEST_TEXT_PX / font), 2];
  else if (width / w >= floor) [zoom, fits] = [Math.min(width / w, floor * SCROLL_TEXT_GAIN), 1];
  else [zoom, fits] = [floor, 0];
  const seen = Math.min(1, width / (w * zoom)) * Math.min(1, height / (h * zoom));
  return { zoom, fits, seen, textPx: zoom * font };
}

// The better of two fits: the one that shows more of the graph whole (whole > width > neither),
// then the larger text, then the larger share in view.
function better(a, b) {
  if (a.fits !== b.fits) return a.fits > b.fits;
  if (a.zoom > b.zoom * TIE || b.zoom > a.zoom * TIE) return a.zoom > b.zoom;
  return a.seen > b.seen * TIE;
}

// box: the scrolling element the SVG goes in; floorPx(): the smallest node text allowed now;
// onLayout(svg): called when another drawing is put in the box (highlights go on again).
export function createGraphView(box, { floorPx, onLayout }) {
  let drawings = null;  // one SVG per layout
  let shown = null;  // the layout in the box
  let zoom = null;  // null: Fit (chosen for the box); a number: the reader's own zoom
  let focus = () => null;  // the element to keep in view (the current step's node)

  // Render Python's DOT of each layout, dots = {LR: ..., TB: ...} (a lone DOT string is drawn
  // as it is, the one layout); decorate(svg) marks each the same way. The box's layout and
  // zoom are kept across redraws of the same graph (after a training step).
  async function draw(dots, decorate = () => {}) {
    const given = typeof dots === "string" ? { [LAYOUTS[0]]: dots } : dots;
    const next = {};
    for (const layout of LAYOUTS) {
      if (typeof given[layout] !== "string") continue;
      next[layout] = await renderDot(given[layout]);
      decorate(next[layout]);
    }
    drawings = next;
    if (zoom === null || !(shown in drawings)) shown = choose();
    box.replaceChildren(drawings[shown]);
    apply();
    return drawings[shown];
  }

  function choose() {
    const [width, height] = [box.clientWidth, box.clientHeight];
    const drawn = LAYOUTS.filter((layout) => layout in drawings);
    if (!width || !height) return drawn.includes(shown) ? shown : drawn[0];
    let best = null;
    for (const layout of drawn) {
      const fit = fitInBox(drawings[layout], width, height, floorPx());
      if (!best || better(fit, best.fit)) best = { layout, fit };
    }
    return best.layout;
  }

  function apply() {
    const svg = drawings?.[shown];
    if (!svg) return;
    const [w, h] = naturalSize(svg);
    const scale = zoom ?? fitInBox(svg, box.clientWidth, box.clientHeight, floorPx()).zoom;
    svg.style.width = `${w * scale}px`;
    svg.style.height = `${h * scale}px`;
    reveal(box, focus(), { center: true });
  }

  // Fit: the layout and zoom for the box as it is now (after a resize, the wide mode, presenting).
  function fit() {
    zoom = null;
    if (!drawings) return;
    const layout = choose();
    if (layout !== shown) {
      shown = layout;
      box.replaceChildren(drawings[shown]);
      onLayout?.(drawings[shown]);
    }
    apply();
  }

  function zoomBy(factor) {
    const svg = drawings?.[shown];
    if (!svg) return;
    const now = svg.getBoundingClientRect().width / naturalSize(svg)[0];
    zoom = Math.max(0.1, Math.min(4, now * factor));
    apply();
  }

  // The box changes size (the window, the wide mode, the presenter view): fit again, unless
  // the reader chose a zoom.
  let pending = false;
  new ResizeObserver(() => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      if (zoom === null) fit();
    });
  }).observe(box);

  box.addEventListener("wheel", (event) => {
    if (!event.ctrlKey) return;
    event.preventDefault();
    zoomBy(event.deltaY < 0 ? 1.1 : 1 / 1.1);
  }, { passive: false });

  return {
    draw,
    fit,
    zoomBy,
    // keep(() => element): the element Fit and redraws scroll into view; it is revealed now.
    keep(target) {
      focus = target;
      reveal(box, focus(), { center: true });
    },
    get svg() {
      return drawings?.[shown] ?? null;
    },
    get layout() {
      return shown;
    },
  };
}
