// Drawing only: heatmaps, points, the network's edges, the loss chart. Every number
// drawn here was computed in Python (lab.session.Lab.frame); this file maps numbers
// to colours and positions.

// Playground's colours: orange for class 0 (outputs below 0), blue for class 1.
export const ORANGE = [245, 147, 34];
export const BLUE = [8, 119, 189];
const WHITE = [232, 234, 235];
// More than two classes: after Playground's two, the three that stay furthest from them and from each
// other for each colour-vision deficiency (CIEDE2000 at least 17 under Machado 2009's simulations,
// 33 for three classes: tests/test_lab_playground.py), each class with a shape of its own too
// (markPoint): lab.session's CLASS_LOOKS names them.
export const CLASS_COLOURS = [ORANGE, BLUE, [150, 30, 30], [86, 180, 233], [40, 40, 110]];

// A value's colour: orange at -1 and below, light grey at 0, blue at +1 and above.
// `strength` below 1 pales the colours (the big plane, so that the points stand out).
export function colour(value, strength = 1) {
  if (value === null || Number.isNaN(value)) return [128, 128, 128];
  const t = Math.max(-1, Math.min(1, value));
  const end = t < 0 ? ORANGE : BLUE;
  const a = Math.abs(t) * strength;
  return [0, 1, 2].map((i) => Math.round(WHITE[i] + (end[i] - WHITE[i]) * a));
}

const css = ([r, g, b], alpha = 1) => `rgba(${r}, ${g}, ${b}, ${alpha})`;

// Fit a canvas's backing store to its CSS size (sharp on high-DPI screens and projectors).
export function fitCanvas(canvas) {
  const ratio = window.devicePixelRatio || 1;
  const { width, height } = canvas.getBoundingClientRect();
  const w = Math.max(1, Math.round(width * ratio));
  const h = Math.max(1, Math.round(height * ratio));
  if (canvas.width !== w || canvas.height !== h) {
    canvas.width = w;
    canvas.height = h;
  }
  const context = canvas.getContext("2d");
  context.setTransform(ratio, 0, 0, ratio, 0, 0);
  return { context, width, height };
}

// A square grid of `resolution` cells a side (row-major, row 0 at the top), cell k in the colour
// rgbOf(k), painted smoothly (or in blocks, `discrete`) over the whole canvas.
function paintCells(canvas, resolution, rgbOf, discrete) {
  const { context, width, height } = fitCanvas(canvas);
  const small = new OffscreenCanvas(resolution, resolution);
  const image = small.getContext("2d").createImageData(resolution, resolution);
  for (let k = 0; k < resolution * resolution; k++) image.data.set([...rgbOf(k), 255], 4 * k);
  return scaleUp(small, image, context, width, height, discrete);
}

// From the scale's white towards `rgb`, by a (0 to 1).
const towards = (rgb, a) => [0, 1, 2].map((i) => Math.round(WHITE[i] + (rgb[i] - WHITE[i]) * a));

// A grid of values on the colour scale (orange below 0, blue above).
export function paintGrid(canvas, grid, resolution, discrete = false, strength = 1) {
  return paintCells(canvas, resolution, (k) => {
    const v = grid[k];
    return colour(discrete && v !== null ? (v >= 0 ? 1 : -1) : v, strength);
  }, discrete);
}

// A softmax output's neuron: the probability of its class `c` over the plane, from white to the
// class's colour (`discrete`: full colour where c is the class predicted).
export function paintClassProbability(canvas, probability, predicted, c, resolution, discrete = false, strength = 1) {
  return paintCells(canvas, resolution, (k) => {
    if (predicted[k] === null) return [128, 128, 128];
    return towards(CLASS_COLOURS[c], (discrete ? Number(predicted[k] === c) : probability[k]) * strength);
  }, discrete);
}

// A 1-D curve (regression): values along x, on a background, scaled to [low, high].
export function paintCurve(canvas, values, [low, high], { background = true, lineWidth = 2 } = {}) {
  const { context, width, height } = fitCanvas(canvas);
  context.clearRect(0, 0, width, height);
  if (background) {
    context.fillStyle = "#f4f5f6";
    context.fillRect(0, 0, width, height);
  }
  const y = (v) => height - ((v - low) / (high - low || 1)) * height;
  context.strokeStyle = "#333";
  context.lineWidth = lineWidth;
  context.beginPath();
  let drawing = false;
  values.forEach((v, i) => {
    if (v === null) {
      drawing = false;
      return;
    }
    const x = (i / (values.length - 1)) * width;
    if (drawing) context.lineTo(x, y(v));
    else context.moveTo(x, y(v));
    drawing = true;
  });
  context.stroke();
  return { context, width, height };
}

// A point's mark: class 1 a square, class 0 (and a regression's points) a circle, so that the
// classes differ in shape as well as in colour (`shape`: true for the square, or the class 0-4:
// circle, square, triangle, diamond, cross). Each has about the circle's area.
export function markPoint(context, x, y, radius, shape) {
  const kind = shape === true ? 1 : shape === false ? 0 : shape;
  context.beginPath();
  if (kind === 1) {
    const half = radius * 0.886;  // sqrt(pi) / 2
    context.rect(x - half, y - half, 2 * half, 2 * half);
  } else if (kind === 2) {
    const r = radius * 1.35;
    context.moveTo(x, y - r);
    context.lineTo(x + r * 0.866, y + r / 2);
    context.lineTo(x - r * 0.866, y + r / 2);
    context.closePath();
  } else if (kind === 3) {
    const r = radius * 1.25;
    context.moveTo(x, y - r);
    context.lineTo(x + r, y);
    context.lineTo(x, y + r);
    context.lineTo(x - r, y);
    context.closePath();
  } else if (kind === 4) {
    const a = radius * 1.2;
    const b = radius * 0.42;
    for (const [px, py] of [[-b, -a], [b, -a], [b, -b], [a, -b], [a, b], [b, b], [b, a], [-b, a], [-b, b], [-a, b], [-a, -b], [-b, -b]]) {
      context.lineTo(x + px, y + py);
    }
    context.closePath();
  } else context.arc(x, y, radius, 0, 2 * Math.PI);
}

// A point's colour: its class's (0 to 4); on the plane's regression sets its target's on the heatmap's
// scale; the curve's points grey. And its mark's shape: its class, or a circle for a number.
export function pointColour(row, { regression = false, curve = false } = {}) {
  if (curve) return [60, 60, 60];
  return regression ? colour(row[2]) : CLASS_COLOURS[Math.round(row[2])];
}
export const pointShape = (row, { regression = false } = {}) => (regression ? 0 : Math.round(row[2]));

// The plane of a softmax output: each cell in its predicted class's colour, as strong as that
// class's probability above chance (1/k); `discrete`: full colour. Both are Python's numbers.
export function paintClasses(canvas, predicted, probabilities, resolution, discrete = false, strength = 1) {
  const chance = 1 / probabilities.length;
  return paintCells(canvas, resolution, (k) => {
    const c = predicted[k];
    if (c === null) return [128, 128, 128];
    return towards(CLASS_COLOURS[c], (discrete ? 1 : Math.max(0, (probabilities[c][k] - chance) / (1 - chance))) * strength);
  }, discrete);
}

// The data's points over a painted plane: train filled with a white ring, test with a dark ring. A
// regression's points near target 0 are as pale as the plane behind them: there, train's ring is
// grey (3.3:1 on the scale's white), so that every point shows.
export function paintPoints(drawn, rows, domain, { test = false, regression = false, curve = false, highlight = null } = {}) {
  const { context, width, height } = drawn;
  const [x0, x1, y0, y1] = domain;
  const px = (x) => ((x - x0) / (x1 - x0)) * width;
  const py = (y) => height - ((y - y0) / (y1 - y0)) * height;
  const radius = Math.max(3, Math.min(width, height) / 70);
  for (const row of rows) {
    markPoint(context, px(row[0]), py(row[1]), radius, pointShape(row, { regression }));
    context.fillStyle = css(pointColour(row, { regression, curve }));
    context.fill();
    context.lineWidth = 1;
    context.strokeStyle = test ? "#111" : regression ? "#808080" : "#fff";
    context.stroke();
  }
  if (highlight) {
    context.beginPath();
    context.arc(px(highlight[0]), py(highlight[1]), radius * 2.2, 0, 2 * Math.PI);
    context.lineWidth = 2.5;
    context.strokeStyle = "#d62728";
    context.stroke();
  }
}

// Plane coordinates of a mouse event on a canvas that shows `domain`.
export function planePoint(canvas, event, domain) {
  const box = canvas.getBoundingClientRect();
  const [x0, x1, y0, y1] = domain;
  return [
    x0 + ((event.clientX - box.left) / box.width) * (x1 - x0),
    y1 - ((event.clientY - box.top) / box.height) * (y1 - y0),
  ];
}

// Axes' tick labels around the plane.
export function paintTicks(drawn, domain, [xName, yName] = ["x₁", "x₂"]) {
  const { context, width, height } = drawn;
  const [x0, x1, y0, y1] = domain;
  context.font = "13px system-ui, sans-serif";
  const line = 16;
  // Each on a pale backing, so that it reads over the points: the axis's name by its first number.
  const label = (text, x, y, align) => {
    const w = context.measureText(text).width;
    const left = align === "right" ? x - w : x;
    context.fillStyle = "rgba(255, 255, 255, 0.75)";
    context.fillRect(left - 2, y - line + 2, w + 4, line);
    context.fillStyle = "rgba(0, 0, 0, 0.8)";
    context.textAlign = align;
    context.fillText(text, x, y);
  };
  context.textBaseline = "bottom";
  label(`${xName} ${x0.toFixed(1)}`, 3, height - 2, "left");
  label(x1.toFixed(1), width - 3, height - 2, "right");
  label(y0.toFixed(1), 3, height - 2 - line, "left");
  label(`${yName} ${y1.toFixed(1)}`, 3, 2 + line, "left");
  context.textAlign = "left";
}

// The train and test loss against the step.
export function paintLossChart(canvas, history) {
  const { context, width, height } = fitCanvas(canvas);
  context.clearRect(0, 0, width, height);
  context.fillStyle = "#fafafa";
  context.fillRect(0, 0, width, height);
  const points = history.filter((p) => p[1] !== null);
  if (points.length < 1) return;
  const lastStep = points[points.length - 1][0];
  const span = Math.max(1, lastStep);  // the x axis's length in steps (at step 0, one)
  let top = 0;
  for (const [, train, test] of points) top = Math.max(top, train ?? 0, test ?? 0);
  top = top || 1;
  const pad = 4;
  const x = (step) => pad + (step / span) * (width - 2 * pad);
  const y = (loss) => height - pad - (loss / top) * (height - 2 * pad - 14);
  const line = (index, style, dash) => {
    context.beginPath();
    context.setLineDash(dash);
    context.strokeStyle = style;
    context.lineWidth = 2;
    let started = false;
    for (const p of points) {
      if (p[index] === null) continue;
      if (started) context.lineTo(x(p[0]), y(p[index]));
      else context.moveTo(x(p[0]), y(p[index]));
      started = true;
    }
    context.stroke();
    context.setLineDash([]);
  };
  line(1, "#777", []);
  line(2, "#111", [6, 3]);
  context.fillStyle = "#333";
  context.font = "13px system-ui, sans-serif";
  context.textBaseline = "top";
  context.fillText(`max ${top.toPrecision(3)}`, pad, pad);
  context.textAlign = "right";
  context.fillText(`step ${lastStep}`, width - pad, pad);
  context.textAlign = "left";
}

// One edge of the network: a curve from (x1, y1) to (x2, y2), coloured by the weight's
// sign and as thick as its magnitude.
export function edgePath(x1, y1, x2, y2) {
  const mid = (x1 + x2) / 2;
  return `M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2},${y2}`;
}

export function edgeStyle(weight) {
  const magnitude = Math.min(Math.abs(weight), 3);
  return {
    stroke: css(weight >= 0 ? BLUE : ORANGE, 0.35 + 0.65 * Math.min(magnitude, 1)),
    width: (0.6 + 2.6 * magnitude).toFixed(2),
  };
}

// The small picture of the grid drawn over the canvas: smoothed, unless the colours are discrete.
function scaleUp(small, image, context, width, height, discrete) {
  small.getContext("2d").putImageData(image, 0, 0);
  context.imageSmoothingEnabled = !discrete;
  context.imageSmoothingQuality = "high";
  context.clearRect(0, 0, width, height);
  context.drawImage(small, 0, 0, width, height);
  return { context, width, height };
}
