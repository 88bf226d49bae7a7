// Inside the network for one digit: each layer's output and, for a chosen label, its δ.

import { bytes, diverging, grey, paint } from "./pixels.js";

const MAP_SIZE = 48; // a feature map's longer side on screen, pixels

function mapCanvas(picture, title) {
  const canvas = document.createElement("canvas");
  if (picture.h === 1) {
    // a layer of units: one cell each, as a strip
    canvas.width = Math.min(picture.w * 8, 640);
    canvas.height = 16;
  } else {
    const scale = Math.max(1, Math.round(MAP_SIZE / Math.max(picture.h, picture.w)));
    canvas.width = picture.w * scale;
    canvas.height = picture.h * scale;
  }
  canvas.title = `${title}: ${picture.lo.toPrecision(3)} … ${picture.hi.toPrecision(3)}`;
  paint(canvas, bytes(picture.data), picture.w, picture.h, picture.signed ? diverging : grey);
  return canvas;
}

function row(heading, kind, pictures, role) {
  const section = document.createElement("div");
  section.className = "layer";
  section.dataset.role = role;
  const title = document.createElement("h3");
  title.textContent = heading;
  const note = document.createElement("span");
  note.className = "kind";
  note.textContent = ` ${kind}`;
  title.append(note);
  const maps = document.createElement("div");
  maps.className = "maps";
  maps.append(...pictures.map((p) => mapCanvas(p, heading)));
  section.append(title, maps);
  return section;
}

// Fill `element` from a probe result: outputs forward, then δ backward, then ∂C/∂W.
export function showLayers(element, result) {
  const forward = result.layers.map((layer) =>
    row(layer.name, layer.weighted ? "— output z" : "— output a", layer.output, "activation"),
  );
  const backward = result.layers
    .filter((layer) => layer.delta)
    .reverse()
    .map((layer) =>
      row(
        layer.name,
        layer.weighted ? "— δ = ∂C/∂z (orange < 0 < blue)" : "— ∂C/∂a",
        layer.delta,
        "delta",
      ),
    );
  const parts = [heading("Forward: what each layer computes for this digit"), ...forward];
  if (result.label != null) {
    parts.push(heading(`Backward: the error δ for true label ${result.label}, from the output down`));
    parts.push(...backward);
    parts.push(row("first layer", "— ∂C/∂W, one picture per unit or filter", result.grad_W, "gradient"));
  } else {
    parts.push(heading("Pick the true label above to see δ flow backward."));
  }
  element.replaceChildren(...parts);
}

function heading(text) {
  const h = document.createElement("h2");
  h.textContent = text;
  return h;
}
