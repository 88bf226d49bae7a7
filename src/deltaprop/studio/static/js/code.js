// The "Show the code" tab: the script for what the page shows.

import { get } from "./api.js";

const $ = (selector) => document.querySelector(selector);

export class Code {
  constructor() {
    document.querySelectorAll("#code [data-part]").forEach((button) =>
      button.addEventListener("click", () => this.show(button.dataset.part)),
    );
    $("#copy-code").addEventListener("click", () =>
      navigator.clipboard?.writeText($("#code-text").textContent),
    );
  }

  async show(part) {
    try {
      $("#code-text").textContent = await get(`code/${part}`);
      $("#code-error").textContent = "";
    } catch (error) {
      $("#code-text").textContent = "";
      $("#code-error").textContent = error.message;
    }
  }
}
