// Live line charts (uPlot, shipped in vendor/uplot with its licence).

import uPlot from "../vendor/uplot/uPlot.esm.js";

// Whole-number steps for the epoch axis.
const WHOLE = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000];
const COLOURS = ["#0877bd", "#f59322", "#2ca02c", "#9467bd", "#8c564b", "#d62728"];

// Tick labels of a log axis: 1e-3 rather than 0.001 (or a rounded 0).
function powersOfTen(plot, ticks) {
  return ticks.map((v) => (v == null ? "" : v.toExponential(0)));
}

export class LineChart {
  // labels: one per line; log: a logarithmic y axis.
  constructor(element, labels, { log = false, yLabel = "" } = {}) {
    this.element = element;
    this.log = log;
    this.yLabel = yLabel;
    this.reset(labels);
  }

  reset(labels) {
    this.plot?.destroy();
    this.data = [[], ...labels.map(() => [])];
    const series = [
      { label: "epoch" },
      ...labels.map((label, i) => ({ label, stroke: COLOURS[i % COLOURS.length], width: 2 })),
    ];
    this.plot = new uPlot(
      {
        width: Math.max(this.element.clientWidth, 280),
        height: 200,
        series,
        legend: { live: false },
        scales: { x: { time: false }, y: this.log ? { distr: 3 } : {} },
        axes: [
          { label: "epoch", incrs: WHOLE },
          { label: this.yLabel, values: this.log ? powersOfTen : undefined, size: 60 },
        ],
      },
      this.data,
      this.element,
    );
  }

  // Add points at x (null values leave a gap); redraws at most once per frame.
  push(x, values) {
    this.data[0].push(x);
    values.forEach((v, i) => this.data[i + 1].push(this.log && !(v > 0) ? null : v));
    if (!this.pending) {
      this.pending = requestAnimationFrame(() => {
        this.pending = 0;
        this.plot.setData(this.data);
      });
    }
  }
}
