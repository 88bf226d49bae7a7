// Drawing the server's images: grids of bytes (base64) through a colour map onto canvases.

const ORANGE = [245, 147, 34]; // negative values, class 0
const BLUE = [8, 119, 189]; // positive values, class 1
const WHITE = [250, 250, 250];

function mix(a, b, t) {
  return a.map((v, i) => Math.round(v + (b[i] - v) * t));
}

// Byte 0..255 standing for -1..1: orange through white to blue.
export function diverging(byte) {
  const t = byte / 127.5 - 1;
  return t < 0 ? mix(WHITE, ORANGE, -t) : mix(WHITE, BLUE, t);
}

// The same, faded: a background that dots of the full colours stand out on.
export function faded(byte) {
  return mix(diverging(byte), WHITE, 0.45);
}

// Byte 0..255 standing for 0..1: black to white.
export function grey(byte) {
  return [byte, byte, byte];
}

export function bytes(base64) {
  return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
}

// A small canvas holding the grid at one pixel per value.
export function gridCanvas(data, width, height, colour) {
  const canvas = document.createElement("canvas");
  canvas.width = width;
  canvas.height = height;
  const context = canvas.getContext("2d");
  const image = context.createImageData(width, height);
  data.forEach((byte, i) => {
    image.data.set([...colour(byte), 255], 4 * i);
  });
  context.putImageData(image, 0, 0);
  return canvas;
}

// Draw a grid scaled onto `target`, smoothly (boundaries) or as blocks (pixels).
export function paint(target, data, width, height, colour, smooth = false) {
  const context = target.getContext("2d");
  context.imageSmoothingEnabled = smooth;
  context.drawImage(gridCanvas(data, width, height, colour), 0, 0, target.width, target.height);
}

// One image from the server ({w, h, data, signed}) as a canvas `scale` times its size.
export function imageCanvas(picture, scale) {
  const canvas = document.createElement("canvas");
  canvas.width = picture.w * scale;
  canvas.height = picture.h * scale;
  canvas.title = `${picture.lo.toPrecision(3)} … ${picture.hi.toPrecision(3)}`;
  paint(canvas, bytes(picture.data), picture.w, picture.h, picture.signed ? diverging : grey);
  return canvas;
}
