// Filling the settings forms from the server's options, and reading them back.

export function fillSelect(select, names) {
  select.replaceChildren(...names.map((name) => new Option(name.replaceAll("_", " "), name)));
}

// Set every field of `form` named in `values`.
export function setValues(form, values) {
  for (const [name, value] of Object.entries(values)) {
    const field = form.elements.namedItem(name);
    if (field) field.value = Array.isArray(value) ? value.join(", ") : value;
  }
}

// The form as JSON: numbers where the field is numeric, text otherwise (the server checks).
export function readValues(form) {
  const values = {};
  for (const field of form.elements) {
    if (!field.name) continue;
    const numeric = field.type === "number" && field.value.trim() !== "";
    values[field.name] = numeric ? Number(field.value) : field.value;
  }
  return values;
}
