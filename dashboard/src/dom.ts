/** Tiny DOM helpers shared by the views. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  cls: string,
  parent?: HTMLElement,
  text?: string,
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  parent?.append(e);
  return e;
}

// Only touch the DOM when the text really changed: views are refreshed every second.
export function setText(e: HTMLElement, text: string): void {
  if (e.textContent !== text) e.textContent = text;
}

export function setData(e: HTMLElement, key: string, value: string | null): void {
  if (value === null) {
    if (key in e.dataset) delete e.dataset[key];
  } else if (e.dataset[key] !== value) e.dataset[key] = value;
}
