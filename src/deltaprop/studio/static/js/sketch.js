// A canvas to draw a digit on with mouse, pen or finger: white ink on black, as in MNIST.

export class Sketch {
  // onDone(dataUrl) is called after each stroke.
  constructor(canvas, onDone) {
    this.canvas = canvas;
    this.context = canvas.getContext("2d");
    this.onDone = onDone;
    this.drawing = false;
    this.clear();
    canvas.addEventListener("pointerdown", (event) => this.begin(event));
    canvas.addEventListener("pointermove", (event) => this.move(event));
    for (const type of ["pointerup", "pointerleave", "pointercancel"]) {
      canvas.addEventListener(type, () => this.end());
    }
  }

  clear() {
    this.context.fillStyle = "#000";
    this.context.fillRect(0, 0, this.canvas.width, this.canvas.height);
    this.inked = false;
  }

  at(event) {
    const box = this.canvas.getBoundingClientRect();
    return [
      ((event.clientX - box.left) * this.canvas.width) / box.width,
      ((event.clientY - box.top) * this.canvas.height) / box.height,
    ];
  }

  begin(event) {
    this.drawing = true;
    this.canvas.setPointerCapture?.(event.pointerId);
    const [x, y] = this.at(event);
    this.context.beginPath();
    this.context.moveTo(x, y);
    this.move(event);
  }

  move(event) {
    if (!this.drawing) return;
    const [x, y] = this.at(event);
    Object.assign(this.context, { lineWidth: 20, lineCap: "round", lineJoin: "round", strokeStyle: "#fff" });
    this.context.lineTo(x, y);
    this.context.stroke();
    this.inked = true;
  }

  end() {
    if (!this.drawing) return;
    this.drawing = false;
    this.onDone(this.canvas.toDataURL("image/png"));
  }
}
