// The digits tab: train a preset or open a model, draw a digit, look inside the network.

import { post, showError } from "./api.js";
import { LineChart } from "./charts.js";
import { fillSelect, readValues, setValues } from "./forms.js";
import { imageCanvas } from "./pixels.js";
import { Sketch } from "./sketch.js";
import { showLayers } from "./layers_view.js";

const $ = (selector) => document.querySelector(selector);

export class Digits {
  constructor(options) {
    this.form = $("#digits-form");
    fillSelect(this.form.elements.preset, options.presets);
    fillSelect(this.form.elements.optimizer, options.optimizers);
    setValues(this.form, options.digits);
    this.chart = new LineChart($("#digits-chart"), ["test accuracy"], { yLabel: "accuracy" });
    this.label = null;
    this.drawing = null;
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.send(() => post("digits", readValues(this.form)));
    });
    $("#digits-stop").addEventListener("click", () => this.send(() => post("digits/stop")));
    $("#model-file").addEventListener("change", (event) => this.open(event.target.files[0]));
    this.sketch = new Sketch($("#sketch"), (url) => this.probe(url));
    $("#sketch-clear").addEventListener("click", () => this.clearDrawing());
    $("#labels").append(...[...Array(10).keys()].map((d) => this.labelButton(d)));
  }

  async send(request) {
    try {
      await request();
      showError(this.form, null);
    } catch (error) {
      showError(this.form, error);
    }
  }

  open(file) {
    if (file) this.send(() => post("digits/model", file));
  }

  labelButton(digit) {
    const button = document.createElement("button");
    button.textContent = digit;
    button.setAttribute("aria-pressed", "false");
    button.addEventListener("click", () => {
      this.label = this.label === digit ? null : digit;
      $("#labels").querySelectorAll("button").forEach((b) =>
        b.setAttribute("aria-pressed", String(Number(b.textContent) === this.label)),
      );
      if (this.drawing) this.probe(this.drawing);
    });
    return button;
  }

  clearDrawing() {
    this.sketch.clear();
    this.drawing = null;
    $("#prediction").textContent = "–";
    $("#probabilities").replaceChildren();
    $("#layers").replaceChildren();
    $("#input-image").getContext("2d").clearRect(0, 0, 140, 140);
  }

  async probe(url) {
    this.drawing = url;
    try {
      const result = await post("digits/probe", { image: url, label: this.label });
      $("#probe-error").textContent = "";
      this.show(result);
    } catch (error) {
      $("#probe-error").textContent = error.message;
    }
  }

  show(result) {
    const input = imageCanvas(result.input, 5);
    $("#input-image").getContext("2d").drawImage(input, 0, 0);
    $("#prediction").textContent = result.prediction;
    $("#probabilities").replaceChildren(
      ...result.probabilities.flatMap((p, digit) => {
        const bar = document.createElement("span");
        bar.className = "bar";
        bar.style.width = `${(100 * p).toFixed(1)}%`;
        return [text("span", digit), wrap(bar), text("span", `${(100 * p).toFixed(1)}%`)];
      }),
    );
    showLayers($("#layers"), result);
  }

  // A network to show: announce it, clear the curves (a loaded model has none to show).
  start(message) {
    $("#digits-summary").textContent = message.summary;
    this.chart.reset(["test accuracy"]);
    $("#digits-chart").closest("figure").hidden = !message.epochs;
    this.weights(message.weights);
    $("#digits-progress").value = 0;
    $("#digits-status").textContent = message.epochs
      ? `Training for ${message.epochs} epochs…`
      : "Model loaded: draw a digit.";
    if (this.drawing) this.probe(this.drawing);
  }

  progress(message) {
    const done = (message.epoch - 1 + message.batch / message.batches) / message.epochs;
    $("#digits-progress").value = done;
    $("#digits-status").textContent = `epoch ${message.epoch} of ${message.epochs}, batch ${message.batch} of ${message.batches}`;
    this.weights(message.weights);
  }

  epoch(message) {
    this.chart.push(message.epoch, [message.test_accuracy]);
    $("#digits-progress").value = message.epoch / message.epochs;
    $("#digits-status").textContent = `epoch ${message.epoch} of ${message.epochs}: test accuracy ${(100 * message.test_accuracy).toFixed(1)}%`;
    this.weights(message.weights);
    if (this.drawing) this.probe(this.drawing);
  }

  weights(images) {
    $("#first-weights").replaceChildren(...images.map((picture) => imageCanvas(picture, 2)));
  }

  stopped(message) {
    if (message.error) $("#digits-status").textContent = `Training stopped: ${message.error}`;
  }
}

function text(tag, content) {
  const element = document.createElement(tag);
  element.textContent = content;
  return element;
}

function wrap(child) {
  const holder = document.createElement("span");
  holder.className = "track";
  holder.append(child);
  return holder;
}
