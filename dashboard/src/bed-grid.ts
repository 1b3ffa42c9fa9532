import { type BedView, TILE_PARAMETERS } from "../../core/api-types.js";
import { el, setData, setText } from "./dom.js";
import { type AlarmChip, type ShownVital, type TileModel, toTileModel } from "./tile-model.js";

export interface TileActions {
  open(bed: string): void;
  acknowledge(bed: string, alarmIds: string[]): void;
  pause(bed: string): void;
}

interface TileElements {
  item: HTMLLIElement;
  root: HTMLButtonElement;
  label: HTMLElement;
  patient: HTMLElement;
  news2: HTMLElement;
  news2Score: HTMLElement;
  news2Band: HTMLElement;
  news2Incomplete: HTMLElement;
  status: HTMLElement;
  freshness: HTMLElement;
  values: Record<ShownVital, HTMLElement>;
  cells: Record<ShownVital, HTMLElement>;
  notes: Record<ShownVital, HTMLElement>;
  chips: HTMLElement;
  reasons: HTMLElement;
  age: HTMLElement;
  actions: HTMLElement;
  ackAll: HTMLButtonElement;
  pause: HTMLButtonElement;
}

function buildTile(bed: string, on: TileActions): TileElements {
  const item = el("li", "tile-item");
  const root = el("button", "tile", item);
  root.type = "button";
  root.dataset.bed = bed;
  root.setAttribute("aria-haspopup", "dialog");
  root.addEventListener("click", () => on.open(bed));
  const head = el("div", "tile-head", root);
  const label = el("span", "tile-bed", head);
  const patient = el("span", "tile-patient", head);
  const badges = el("span", "tile-badges", head);
  const status = el("span", "badge badge-status", badges);
  const freshness = el("span", "badge badge-freshness", badges);
  const vitals = el("div", "tile-vitals", root);
  const values = {} as Record<ShownVital, HTMLElement>;
  const cells = {} as Record<ShownVital, HTMLElement>;
  const notes = {} as Record<ShownVital, HTMLElement>;
  for (const v of TILE_PARAMETERS) {
    const cell = el("div", `vital vital-${v.key}`, vitals);
    el("span", "vital-name", cell, v.label);
    el("span", "vital-unit", cell, v.unit);
    values[v.key] = el("span", "vital-value", cell);
    notes[v.key] = el("span", "vital-note", cell, "not live");
    cells[v.key] = cell;
  }
  // NEWS2 reads as a fourth number, boxed in its band colour, with the band word under it.
  const news2 = el("div", "vital news2", vitals);
  el("span", "vital-name", news2, "NEWS2");
  const news2Score = el("span", "vital-value news2-score", news2);
  const news2Band = el("span", "news2-band", news2);
  const news2Incomplete = el("span", "news2-incomplete", news2, "incomplete");
  const chips = el("ul", "tile-alarms", root);
  const reasons = el("ul", "tile-reasons", root);
  const foot = el("div", "tile-foot", root);
  const age = el("span", "tile-age", foot);
  // Buttons cannot nest inside the tile's button: they sit beside it, laid over its foot by CSS.
  const actions = el("div", "tile-actions", item);
  const ackAll = el("button", "btn btn-ack", actions, "Ack all");
  ackAll.type = "button";
  const pause = el("button", "btn btn-pause", actions);
  pause.type = "button";
  return {
    item,
    root,
    label,
    patient,
    news2,
    news2Score,
    news2Band,
    news2Incomplete,
    status,
    freshness,
    values,
    cells,
    notes,
    chips,
    reasons,
    age,
    actions,
    ackAll,
    pause,
  };
}

function chipElement(c: AlarmChip): HTMLLIElement {
  const li = el("li", "alarm-chip");
  li.dataset.priority = c.priority;
  li.dataset.state = c.acknowledged ? "acknowledged" : "active";
  li.dataset.technical = String(c.technical);
  li.dataset.alarmId = c.id;
  el("span", "alarm-marker", li, c.marker);
  el("span", "alarm-text", li, c.text);
  if (c.acknowledged) el("span", "alarm-tag", li, "ACK");
  else if (c.latched) el("span", "alarm-tag", li, "LATCHED");
  return li;
}

function listOf<T>(e: HTMLElement, items: readonly T[], key: (x: T) => string, make: (x: T) => HTMLElement) {
  const sig = items.map(key).join("\n");
  if (e.dataset.sig === sig) return;
  e.dataset.sig = sig;
  e.replaceChildren(...items.map(make));
}

function paint(t: TileElements, m: TileModel, pending: ReadonlySet<string>) {
  setText(t.label, m.bed);
  setText(t.patient, m.patient);
  setText(t.status, m.statusText);
  const badge = m.standby ?? m.freshnessLabel;
  setText(t.freshness, badge ?? "");
  t.freshness.hidden = badge === null;
  setData(t.root, "status", m.status);
  setData(t.root, "standby", m.standby === null ? null : "true");
  setData(t.root, "freshness", m.freshness);
  // data-alarm is absent when the gateway has no alarm engine: the tile then keeps the CRITICAL frame.
  setData(t.root, "alarm", m.alarm ? (m.alarm.priority ?? "none") : null);
  setData(
    t.root,
    "alarmState",
    m.alarm?.priority ? (m.alarm.unacknowledged ? "active" : "acknowledged") : null,
  );
  setData(t.root, "alarmTechnical", m.alarm?.priority ? String(m.alarm.technicalOnly) : null);
  setText(t.news2Score, m.news2.score);
  setText(t.news2Band, m.news2.bandLabel);
  setData(t.news2, "band", m.news2.band);
  t.news2Incomplete.hidden = !m.news2.incomplete;
  if (t.news2.title !== m.news2.title) t.news2.title = m.news2.title;
  for (const v of TILE_PARAMETERS) {
    setText(t.values[v.key], m.values[v.key]);
    t.cells[v.key].classList.toggle("out-of-range", m.outOfRange[v.key]);
    t.cells[v.key].classList.toggle("stale", m.staleVitals[v.key]);
    setData(t.cells[v.key], "alarm", m.alarmedVitals[v.key]);
    // The tile-wide badge already says STALE/OFFLINE; the per-number note is for a live bed's dead probe.
    t.notes[v.key].hidden = !(m.staleVitals[v.key] && m.freshness === "live");
  }
  listOf(
    t.chips,
    m.chips,
    (c) => `${c.id}|${c.priority}|${c.acknowledged}|${c.latched}|${c.text}`,
    chipElement,
  );
  listOf(
    t.reasons,
    m.reasons,
    (r) => r,
    (r) => el("li", "", undefined, r),
  );
  setText(t.age, m.age === "—" ? "no reading yet" : `${m.age} ago`);
  if (t.root.getAttribute("aria-label") !== m.ariaLabel) t.root.setAttribute("aria-label", m.ariaLabel);
  // Actions: acknowledge what still waits; pause audio while the bed has alarms (or a pause runs).
  const waiting = m.unacknowledgedIds.filter((id) => !pending.has(id));
  t.ackAll.hidden = m.unacknowledgedIds.length === 0;
  t.ackAll.disabled = waiting.length === 0;
  setText(t.ackAll, waiting.length === 0 && m.unacknowledgedIds.length > 0 ? "Sending…" : "Ack all");
  t.ackAll.dataset.ids = waiting.join(" ");
  t.ackAll.setAttribute("aria-label", `Acknowledge all alarms on ${m.bed}`);
  t.pause.hidden = m.chips.length === 0 && m.pauseLeft === null;
  setText(t.pause, m.pauseLeft ? `Paused ${m.pauseLeft}` : "Pause audio");
  t.pause.classList.toggle("is-paused", m.pauseLeft !== null);
  t.pause.setAttribute(
    "aria-label",
    m.pauseLeft ? `Audio paused on ${m.bed} for ${m.pauseLeft}; pause again` : `Pause audio on ${m.bed}`,
  );
  t.actions.hidden = t.ackAll.hidden && t.pause.hidden;
}

/** The ward grid: one tile per visible bed, kept in order and updated in place. */
export class BedGrid {
  private readonly tiles = new Map<string, TileElements>();

  constructor(
    private readonly container: HTMLElement,
    private readonly on: TileActions,
  ) {}

  render(beds: readonly BedView[], gatewayNow: number, pendingAcks: ReadonlySet<string> = new Set()): void {
    const keep = new Set(beds.map((b) => b.bed));
    for (const [bed, t] of this.tiles) {
      if (!keep.has(bed)) {
        t.item.remove();
        this.tiles.delete(bed);
      }
    }
    let prev: Element | null = null;
    for (const b of beds) {
      let t = this.tiles.get(b.bed);
      if (!t) {
        t = this.build(b.bed);
        this.tiles.set(b.bed, t);
      }
      paint(t, toTileModel(b, gatewayNow), pendingAcks);
      // Each tile sits in a list item so assistive tech announces "n of m".
      const want: Element | null = prev ? prev.nextElementSibling : this.container.firstElementChild;
      if (want !== t.item) this.container.insertBefore(t.item, want);
      prev = t.item;
    }
    this.container.dataset.count = String(beds.length);
    this.container.classList.toggle("dense", beds.length > 30);
  }

  focusBed(bed: string): void {
    this.tiles.get(bed)?.root.focus();
  }

  private build(bed: string): TileElements {
    const t = buildTile(bed, this.on);
    t.ackAll.addEventListener("click", () => {
      const ids = (t.ackAll.dataset.ids ?? "").split(" ").filter(Boolean);
      if (ids.length) this.on.acknowledge(bed, ids);
    });
    t.pause.addEventListener("click", () => this.on.pause(bed));
    return t;
  }
}
