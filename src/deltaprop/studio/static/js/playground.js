// The playground tab: build a network for a 2-D problem, then watch it learn.

import { post, showError } from "./api.js";
import { LineChart } from "./charts.js";
import { fillSelect, readValues, setValues } from "./forms.js";
import { bytes, faded, paint } from "./pixels.js";
import { NetworkView } from "./network_view.js";

const $ = (selector) => document.querySelector(selector);
const CLASS_COLOURS = ["#f59322", "#0877bd"];

export class Playground {
  constructor(options) {
    this.form = $("#playground-form");
    fillSelect(this.form.elements.dataset, options.datasets);
    fillSelect(this.form.elements.activation, options.activations);
    fillSelect(this.form.elements.output, options.outputs);
    fillSelect(this.form.elements.init, options.initializers);
    fillSelect(this.form.elements.optimizer, options.optimizers);
    setValues(this.form, options.playground);
    this.view = new NetworkView($("#network-view"));
    this.costs = new LineChart($("#cost-chart"), ["training cost", "test cost"], { yLabel: "cost" });
    this.speeds = new LineChart($("#speed-chart"), [], { log: true, yLabel: "‖δ‖" });
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.build();
    });
    document.querySelectorAll("#playground [data-action]").forEach((button) =>
      button.addEventListener("click", () => this.control(button.dataset.action)),
    );
  }

  async build() {
    try {
      await post("playground", readValues(this.form));
      showError(this.form, null);
    } catch (error) {
      showError(this.form, error);
    }
  }

  async control(action) {
    try {
      await post(`playground/${action}`);
      $("#playground-status").textContent = "";
    } catch (error) {
      $("#playground-status").textContent = error.message;
    }
  }

  // A new network: its data, its layout, empty charts.
  start(message) {
    this.data = message;
    this.view.build(message.sizes);
    this.costs.reset(["training cost", "test cost"]);
    const hidden = message.record.speeds.map((_, i) => `hidden layer ${i + 1}`);
    this.speeds.reset(hidden);
    $("#playground-status").textContent = "";
    this.epoch(message);
  }

  // One epoch's record, and a frame when one came.
  epoch(message) {
    const r = message.record;
    if (r.epoch > 0) this.costs.push(r.epoch, [r.train_cost, r.test_cost]);
    this.speeds.push(r.epoch, r.speeds);
    this.readout(r);
    if (message.frame) this.draw(message.frame);
  }

  readout(r) {
    const out = $("#playground-readout");
    out.dataset.epoch = r.epoch;
    out.dataset.testCost = r.test_cost ?? "";
    const cost = (v) => (v == null ? "–" : v.toFixed(4));
    const accuracy = r.test_accuracy == null ? "" : `, test accuracy ${(100 * r.test_accuracy).toFixed(1)}%`;
    out.textContent = `epoch ${r.epoch} · training cost ${cost(r.train_cost)} · test cost ${cost(r.test_cost)}${accuracy}`;
    const rows = r.speeds.map(
      (s, i) => `<tr><th>hidden layer ${i + 1}</th><td data-layer="${i + 1}" data-speed="${s}">${s == null ? "–" : s.toExponential(2)}</td></tr>`,
    );
    $("#speeds").innerHTML = `<tr><th></th><th>‖δ‖ now</th></tr>${rows.join("")}`;
  }

  draw(frame) {
    const canvas = $("#boundary");
    paint(canvas, bytes(frame.boundary), frame.grid, frame.grid, faded, true);
    this.points(canvas, this.data.points, this.data.labels, false);
    this.points(canvas, this.data.test_points, this.data.test_labels, true);
    this.view.update(frame);
  }

  points(canvas, points, labels, hollow) {
    const context = canvas.getContext("2d");
    const scale = (v) => ((v + 1) / 2) * canvas.width;
    points.forEach(([x1, x2], i) => {
      context.beginPath();
      context.arc(scale(x1), canvas.height - scale(x2), 3.2, 0, 2 * Math.PI);
      context.lineWidth = hollow ? 2 : 1;
      context.strokeStyle = hollow ? CLASS_COLOURS[labels[i]] : "#333";
      context.fillStyle = hollow ? "#fff" : CLASS_COLOURS[labels[i]];
      context.fill();
      context.stroke();
    });
  }

  stopped(message) {
    $("#playground-status").textContent = message.error
      ? `Training stopped: ${message.error}`
      : "";
  }
}
