// The playground's network drawn as units and weights; each unit shows its output over the plane.

import { bytes, diverging, paint } from "./pixels.js";

const UNIT = 40; // unit box, pixels
const GAP = 12; // between units in a column
const SVG = "http://www.w3.org/2000/svg";

// An input unit's own map: x₁ (or x₂) from -1 to 1 across the plane.
function inputMap(which, size) {
  const data = new Uint8Array(size * size);
  for (let r = 0; r < size; r++) {
    for (let c = 0; c < size; c++) {
      const t = which === 0 ? c / (size - 1) : 1 - r / (size - 1);
      data[r * size + c] = Math.round(t * 255);
    }
  }
  return data;
}

export class NetworkView {
  constructor(element) {
    this.element = element;
  }

  // Lay out units for layer sizes, e.g. [2, 4, 4, 1].
  build(sizes) {
    this.sizes = sizes;
    this.element.replaceChildren();
    const width = Math.max(this.element.clientWidth, 320);
    const height = Math.max(...sizes) * (UNIT + GAP) + 20;
    this.element.style.height = `${height}px`;
    this.svg = document.createElementNS(SVG, "svg");
    this.svg.setAttribute("width", width);
    this.svg.setAttribute("height", height);
    this.element.append(this.svg);
    const step = (width - UNIT) / (sizes.length - 1);
    this.positions = sizes.map((n, col) =>
      Array.from({ length: n }, (_, row) => ({
        x: col * step,
        y: 18 + (height - 18 - n * (UNIT + GAP)) / 2 + row * (UNIT + GAP),
      })),
    );
    this.lines = this.positions.slice(1).map((column, layer) =>
      this.positions[layer].map((from) => column.map((to) => this.line(from, to))),
    );
    this.units = this.positions.map((column, col) => column.map((p) => this.unit(p, col)));
    this.label(0, "inputs");
    this.label(sizes.length - 1, "output");
    this.units[0].forEach((canvas, i) => paint(canvas, inputMap(i, 24), 24, 24, diverging));
  }

  line(from, to) {
    const line = document.createElementNS(SVG, "line");
    line.setAttribute("x1", from.x + UNIT);
    line.setAttribute("y1", from.y + UNIT / 2);
    line.setAttribute("x2", to.x);
    line.setAttribute("y2", to.y + UNIT / 2);
    this.svg.append(line);
    return line;
  }

  unit(position, col) {
    const canvas = document.createElement("canvas");
    canvas.className = "unit";
    canvas.width = canvas.height = UNIT;
    canvas.style.left = `${position.x}px`;
    canvas.style.top = `${position.y}px`;
    canvas.dataset.layer = col;
    this.element.append(canvas);
    return canvas;
  }

  label(col, text) {
    const label = document.createElement("span");
    label.className = "column-label";
    label.textContent = text;
    label.style.left = `${this.positions[col][0].x}px`;
    label.style.top = "0px";
    this.element.append(label);
  }

  // Redraw from a frame: hidden units' maps, the output's boundary, the weights.
  update(frame) {
    frame.units.forEach((layer, i) =>
      layer.forEach((map, j) =>
        paint(this.units[i + 1][j], bytes(map), frame.unit_grid, frame.unit_grid, diverging, true),
      ),
    );
    const outputs = this.units[this.units.length - 1];
    const p1 = bytes(frame.boundary); // P(class 1); a second (softmax) unit shows P(class 0)
    const shown = outputs.length === 2 ? [p1.map((v) => 255 - v), p1] : [p1];
    shown.forEach((map, j) => paint(outputs[j], map, frame.grid, frame.grid, diverging, true));
    const largest = Math.max(1e-9, ...frame.weights.flat(2).map(Math.abs));
    frame.weights.forEach((W, layer) =>
      W.forEach((row, i) =>
        row.forEach((w, j) => {
          const line = this.lines[layer][i][j];
          line.setAttribute("stroke", w >= 0 ? "#0877bd" : "#f59322");
          line.setAttribute("stroke-width", (0.5 + 5 * Math.abs(w) / largest).toFixed(2));
          line.setAttribute("stroke-opacity", "0.75");
        }),
      ),
    );
  }
}
