// Talking to the server: JSON requests whose 4xx answers become readable errors.

export class ApiError extends Error {
  constructor(message, field) {
    super(message);
    this.field = field;
  }
}

let session = null;

export function setSession(id) {
  session = id;
}

export function sessionUrl(path) {
  return `/api/${session}/${path}`;
}

async function answer(response) {
  const body = response.headers.get("content-type")?.includes("json")
    ? await response.json()
    : await response.text();
  if (!response.ok) {
    throw new ApiError(body.error ?? `the server answered ${response.status}`, body.field ?? "");
  }
  return body;
}

export async function post(path, body) {
  const isFile = body instanceof Blob;
  const response = await fetch(sessionUrl(path), {
    method: "POST",
    // a model file goes as raw bytes; the server takes only these two types
    headers: { "Content-Type": isFile ? "application/octet-stream" : "application/json" },
    body: isFile ? body : JSON.stringify(body ?? {}),
  });
  return answer(response);
}

export async function get(path) {
  return answer(await fetch(sessionUrl(path)));
}

export async function options() {
  return answer(await fetch("/api/options"));
}

// Show an error in a form: the message, and the field it is about marked invalid.
export function showError(form, error) {
  form.querySelectorAll("[aria-invalid]").forEach((el) => el.removeAttribute("aria-invalid"));
  form.querySelector("[data-error]").textContent = error ? error.message : "";
  const field = error?.field && form.elements.namedItem(error.field);
  if (field) field.setAttribute("aria-invalid", "true");
}
