import type { BedView } from "../../gateway/api/types.js";
import { type ShownVital, type TileModel, toTileModel } from "./tile-model.js";

const VITALS: Array<{ key: ShownVital; name: string; unit: string }> = [
  { key: "hr", name: "HR", unit: "bpm" },
  { key: "spo2", name: "SpO₂", unit: "%" },
  { key: "temp", name: "Temp", unit: "°C" },
];

interface TileElements {
  root: HTMLButtonElement;
  label: HTMLElement;
  patient: HTMLElement;
  status: HTMLElement;
  freshness: HTMLElement;
  values: Record<ShownVital, HTMLElement>;
  cells: Record<ShownVital, HTMLElement>;
  reasons: HTMLElement;
  age: HTMLElement;
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls: string, parent?: HTMLElement) {
  const e = document.createElement(tag);
  e.className = cls;
  parent?.append(e);
  return e;
}

// Only touch the DOM when the text really changed: the grid is refreshed every second.
function setText(e: HTMLElement, text: string) {
  if (e.textContent !== text) e.textContent = text;
}

function buildTile(bed: string, onOpen: (bed: string) => void): TileElements {
  const root = el("button", "tile");
  root.type = "button";
  root.dataset.bed = bed;
  root.setAttribute("aria-haspopup", "dialog");
  root.addEventListener("click", () => onOpen(bed));
  const head = el("div", "tile-head", root);
  const label = el("span", "tile-bed", head);
  const patient = el("span", "tile-patient", head);
  const badges = el("span", "tile-badges", head);
  const status = el("span", "badge badge-status", badges);
  const freshness = el("span", "badge badge-freshness", badges);
  const vitals = el("div", "tile-vitals", root);
  const values = {} as Record<ShownVital, HTMLElement>;
  const cells = {} as Record<ShownVital, HTMLElement>;
  for (const v of VITALS) {
    const cell = el("div", `vital vital-${v.key}`, vitals);
    el("span", "vital-name", cell).textContent = v.name;
    values[v.key] = el("span", "vital-value", cell);
    el("span", "vital-unit", cell).textContent = v.unit;
    cells[v.key] = cell;
  }
  const reasons = el("ul", "tile-reasons", root);
  const foot = el("div", "tile-foot", root);
  const age = el("span", "tile-age", foot);
  return { root, label, patient, status, freshness, values, cells, reasons, age };
}

function paint(t: TileElements, m: TileModel) {
  setText(t.label, m.bed);
  setText(t.patient, m.patient);
  setText(t.status, m.status === "CRITICAL" ? "⚠ CRITICAL" : m.status);
  setText(t.freshness, m.freshnessLabel ?? "");
  t.freshness.hidden = m.freshnessLabel === null;
  t.root.dataset.status = m.status;
  t.root.dataset.freshness = m.freshness;
  for (const v of VITALS) {
    setText(t.values[v.key], m.values[v.key]);
    t.cells[v.key].classList.toggle("out-of-range", m.outOfRange[v.key]);
  }
  const reasonsText = m.reasons.join("\n");
  if (t.reasons.dataset.text !== reasonsText) {
    t.reasons.dataset.text = reasonsText;
    t.reasons.replaceChildren(
      ...m.reasons.map((r) => {
        const li = document.createElement("li");
        li.textContent = r;
        return li;
      }),
    );
  }
  setText(t.age, m.age === "—" ? "no reading yet" : `${m.age} ago`);
  if (t.root.getAttribute("aria-label") !== m.ariaLabel) t.root.setAttribute("aria-label", m.ariaLabel);
}

/** The ward grid: one tile per visible bed, kept in order and updated in place. */
export class BedGrid {
  private readonly tiles = new Map<string, TileElements>();

  constructor(
    private readonly container: HTMLElement,
    private readonly onOpen: (bed: string) => void,
  ) {}

  render(beds: readonly BedView[], gatewayNow: number): void {
    const keep = new Set(beds.map((b) => b.bed));
    for (const [bed, t] of this.tiles) {
      if (!keep.has(bed)) {
        t.root.parentElement?.remove();
        this.tiles.delete(bed);
      }
    }
    let prev: Element | null = null;
    for (const b of beds) {
      let t = this.tiles.get(b.bed);
      if (!t) {
        t = buildTile(b.bed, this.onOpen);
        this.tiles.set(b.bed, t);
      }
      paint(t, toTileModel(b, gatewayNow));
      // Each tile sits in a list item so assistive tech announces "n of m".
      const item = t.root.parentElement ?? el("li", "tile-item");
      if (item !== t.root.parentElement) item.append(t.root);
      const want: Element | null = prev ? prev.nextElementSibling : this.container.firstElementChild;
      if (want !== item) this.container.insertBefore(item, want);
      prev = item;
    }
    this.container.dataset.count = String(beds.length);
    this.container.classList.toggle("dense", beds.length > 30);
  }

  focusBed(bed: string): void {
    this.tiles.get(bed)?.root.focus();
  }
}
