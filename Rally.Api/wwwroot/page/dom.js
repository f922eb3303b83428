// Building the page with DOM calls only: text always goes in as text (never parsed as HTML), so nothing a study
// card or a notice says can run as script, whatever the Content-Security-Policy.

/** An element with attributes (`on…` are listeners; `true` makes an empty attribute) and children (nodes or text). */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') element.addEventListener(name.slice(2), value);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : String(child));
  }
}

/** Replaces an element's children. */
export function fill(element, ...children) {
  element.replaceChildren();
  append(element, children);
  return element;
}

export const byId = (id) => document.getElementById(id);

/** Tells screen readers (and everyone) what just happened, in the page's status region. */
export function say(text) {
  byId('status').textContent = text;
}

/** Shows a problem next to a form, or hides it when `text` is empty. */
export function problem(id, text) {
  const element = byId(id);
  element.textContent = text ?? '';
  element.hidden = !text;
}

/** A readable date and time in the reader's own locale. */
export function when(iso) {
  return iso ? new Date(iso).toLocaleString() : '';
}

/** The `detail` of an RFC 9457 problem the kit raised, or the error's message. */
export function describe(error) {
  return error?.problem?.detail ?? error?.detail ?? error?.message ?? String(error);
}
