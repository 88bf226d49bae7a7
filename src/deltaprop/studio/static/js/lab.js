// The lab tab: run one of the course's experiments and see its figure and conclusion.

import { post, sessionUrl } from "./api.js";

const $ = (selector) => document.querySelector(selector);

export class Lab {
  constructor(options) {
    $("#experiments").replaceChildren(...options.experiments.map((e) => this.card(e)));
  }

  card(experiment) {
    const item = document.createElement("li");
    item.dataset.experiment = experiment.name;
    item.innerHTML = `<strong></strong><p></p>`;
    item.querySelector("strong").textContent = experiment.name;
    item.querySelector("p").textContent = experiment.summary;
    for (const quick of [true, false]) {
      const button = document.createElement("button");
      button.textContent = quick ? "Run quick" : "Run default";
      button.addEventListener("click", () => this.run(experiment.name, quick));
      item.append(button, " ");
    }
    return item;
  }

  async run(name, quick) {
    try {
      await post("lab", { name, quick });
      $("#lab-error").textContent = "";
    } catch (error) {
      $("#lab-error").textContent = error.message;
    }
  }

  started(message) {
    $("#lab-result").replaceChildren();
    $("#lab-progress").textContent = `${message.name}: starting (${message.quick ? "quick" : "default"})…`;
  }

  progress(m) {
    $("#lab-progress").textContent = `${m.name}: training run ${m.runs}, epoch ${m.epoch} of ${m.epochs}, batch ${m.batch} of ${m.batches} · ${m.elapsed} s`;
  }

  done(m) {
    $("#lab-progress").textContent = `${m.name}: finished in ${m.elapsed} s`;
    const verdict = document.createElement("p");
    verdict.className = "verdict";
    verdict.textContent = `${m.holds ? "✔ The claim holds" : "✘ The claim did not show"}: ${m.claim}`;
    const conclusion = document.createElement("p");
    conclusion.textContent = m.conclusion;
    const figure = document.createElement("img");
    figure.alt = `figure of ${m.name}`;
    figure.src = `${sessionUrl(`lab/${m.name}.png`)}?t=${Date.now()}`;
    $("#lab-result").replaceChildren(verdict, conclusion, figure);
  }

  failed(m) {
    $("#lab-progress").textContent = "";
    $("#lab-error").textContent = `${m.name} failed: ${m.error}`;
  }
}
