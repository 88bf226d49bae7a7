// The studio page: tabs, one WebSocket for this tab's session, messages to each part.

import { options, sessionUrl, setSession } from "./api.js";
import { Code } from "./code.js";
import { Digits } from "./digits.js";
import { Lab } from "./lab.js";
import { Playground } from "./playground.js";

// The server has traded ?token= for a cookie: keep the token out of the address bar,
// the history and anything copied from it.
if (new URLSearchParams(location.search).has("token")) {
  history.replaceState(null, "", location.pathname);
}

const $ = (selector) => document.querySelector(selector);

function showTab(name) {
  document.querySelectorAll("[role=tab]").forEach((tab) =>
    tab.setAttribute("aria-selected", String(tab.dataset.tab === name)),
  );
  document.querySelectorAll("[role=tabpanel]").forEach((panel) => {
    panel.hidden = panel.id !== name;
  });
  if (name === "code") code.show("playground");
}

function linkDownloads() {
  document.querySelectorAll("[data-export]").forEach((link) => {
    link.href = sessionUrl(`export/${link.dataset.export}`);
  });
}

const settings = await options();
const playground = new Playground(settings);
const digits = new Digits(settings);
const lab = new Lab(settings);
const code = new Code();
document.querySelectorAll("[role=tab]").forEach((tab) =>
  tab.addEventListener("click", () => showTab(tab.dataset.tab)),
);

// One handler per message type of deltaprop/studio/messages.py (a test checks both lists).
const handlers = {
  hello(m) {
    setSession(m.session);
    linkDownloads();
    $("#connection").textContent = "connected";
    playground.build();
  },
  error: (m) => closedBecause(m.error),
  closed: (m) => closedBecause(`${m.error}: reload the page`),
  playground: (m) => playground.start(m),
  epoch: (m) => playground.epoch(m),
  stopped: (m) => (m.part === "playground" ? playground : digits).stopped(m),
  digits: (m) => digits.start(m),
  "digits-progress": (m) => digits.progress(m),
  "digits-epoch": (m) => digits.epoch(m),
  "lab-started": (m) => lab.started(m),
  "lab-progress": (m) => lab.progress(m),
  "lab-done": (m) => lab.done(m),
  "lab-failed": (m) => lab.failed(m),
};

const socket = new WebSocket(`${location.origin.replace(/^http/, "ws")}/ws`);
socket.addEventListener("message", (event) => {
  const message = JSON.parse(event.data);
  handlers[message.type]?.(message);
});
let closeReason = null;
function closedBecause(reason) {
  closeReason = reason;
  $("#connection").textContent = reason;
}
socket.addEventListener("close", () => {
  if (closeReason === null) $("#connection").textContent = "disconnected: reload the page";
});
