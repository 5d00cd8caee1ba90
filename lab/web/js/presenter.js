// The presenter view of the chain rule and step-through panels, for a lecture hall: the panel
// alone on the screen (the Fullscreen API; where the browser refuses it, a layer over the whole
// window), the graph as large as it reads, the current sentence large at the bottom, and live
// copies of the boundary plot and the loss curve in a corner, so the class still sees training.
import { setSentence } from "./show.js";

const $ = (id) => document.getElementById(id);

// panel: the element shown full screen; onChange(presenting): after entering or leaving.
export function createPresenter({ panel, onChange }) {
  let presenting = false;
  let copying = 0;  // the requestAnimationFrame of the corner's copies
  const copies = [
    [$("boundary"), $("presenter-boundary")],
    [$("loss-chart"), $("presenter-loss")],
  ];

  async function enter() {
    if (presenting) return;
    presenting = true;
    panel.classList.add("presenting");  // the layout; also the whole view where fullscreen is refused
    document.body.classList.add("presenting");
    $("present").setAttribute("aria-pressed", "true");
    try {
      if (panel.requestFullscreen && document.fullscreenElement !== panel) await panel.requestFullscreen();
    } catch {
      // refused (no user gesture, an iframe without allowfullscreen): the CSS layer stands in
    }
    copying = requestAnimationFrame(copy);
    onChange?.(true);
  }

  function exit() {
    if (!presenting) return;
    presenting = false;
    panel.classList.remove("presenting");
    document.body.classList.remove("presenting");
    $("present").setAttribute("aria-pressed", "false");
    cancelAnimationFrame(copying);
    if (document.fullscreenElement === panel) document.exitFullscreen().catch(() => {});
    onChange?.(false);
  }

  // The browser's own way out of full screen (Escape, F11) ends the presenter view too.
  document.addEventListener("fullscreenchange", () => {
    if (presenting && document.fullscreenElement !== panel) exit();
  });

  // Each frame, the page's own pictures drawn small into the corner: the page keeps drawing
  // them (training goes on), and nothing is drawn twice from the numbers.
  function copy() {
    for (const [from, to] of copies) {
      const { width, height } = to.getBoundingClientRect();
      const ratio = window.devicePixelRatio || 1;
      const [w, h] = [Math.max(1, Math.round(width * ratio)), Math.max(1, Math.round(height * ratio))];
      if (to.width !== w || to.height !== h) [to.width, to.height] = [w, h];
      const context = to.getContext("2d");
      context.clearRect(0, 0, w, h);
      if (from.width <= 1 || from.height <= 1) continue;
      const scale = Math.min(w / from.width, h / from.height);  // the picture's own shape, centred
      const [dw, dh] = [from.width * scale, from.height * scale];
      context.drawImage(from, (w - dw) / 2, (h - dh) / 2, dw, dh);
    }
    if (presenting) copying = requestAnimationFrame(copy);
  }

  // The sentence at the bottom: the step's, or the chain rule's own step.
  function say(sentence) {
    setSentence($("presenter-sentence"), sentence);
  }

  $("present").addEventListener("click", () => (presenting ? exit() : enter()));

  return {
    enter,
    exit,
    toggle: () => (presenting ? exit() : enter()),
    say,
    get active() {
      return presenting;
    },
  };
}
