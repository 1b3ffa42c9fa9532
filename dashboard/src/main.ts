import type { BedsResponse } from "../../gateway/api/types.js";
import { BedGrid } from "./bed-grid.js";
import { formatTimeOfDay } from "./format.js";
import { gatewayTime } from "./freshness.js";
import { HistoryPanel } from "./history-panel.js";
import { LiveConnection, liveUrl } from "./live-connection.js";
import {
  initialWardState,
  visibleBeds,
  type WardAction,
  type WardState,
  wardCounts,
  wardReducer,
} from "./ward-state.js";

function must<T extends HTMLElement>(selector: string): T {
  const e = document.querySelector<T>(selector);
  if (!e) throw new Error(`dashboard markup lacks ${selector}`);
  return e;
}

const page = window.location.href;
const ui = {
  grid: must<HTMLOListElement>("#bed-grid"),
  empty: must<HTMLElement>("#grid-empty"),
  banner: must<HTMLElement>("#connection-banner"),
  connection: must<HTMLElement>("#connection-state"),
  clock: must<HTMLElement>("#gateway-clock"),
  counts: must<HTMLElement>("#ward-counts"),
  criticalOnly: must<HTMLInputElement>("#critical-only"),
  clearView: must<HTMLButtonElement>("#clear-view"),
  showAll: must<HTMLButtonElement>("#show-all"),
  alerts: must<HTMLElement>("#alerts"),
  dialog: must<HTMLDialogElement>("#history"),
};

let state: WardState = initialWardState();
let retryAt: number | null = null;

const history = new HistoryPanel(ui.dialog, page);
const grid = new BedGrid(ui.grid, (bed) => {
  void history.open(bed, state.beds.get(bed)?.patient ?? null);
});

function dispatch(action: WardAction) {
  state = wardReducer(state, action);
  render();
}

function renderAlerts() {
  const items = state.alerts.map((a) => {
    const li = document.createElement("li");
    li.textContent = `${formatTimeOfDay(a.at)} · ${a.bed}${a.patient ? ` (${a.patient})` : ""}: ${a.reasons.join("; ") || a.status}`;
    return li;
  });
  ui.alerts.replaceChildren(...items);
  ui.alerts.hidden = items.length === 0;
}

let shownAlerts: unknown = null;

function render() {
  const now = gatewayTime(Date.now(), state.offsetMs);
  const beds = visibleBeds(state);
  grid.render(beds, now);
  const c = wardCounts(state);
  ui.counts.textContent = `${c.total} beds · ${c.critical} critical${c.hidden ? ` · ${c.hidden} hidden` : ""}`;
  ui.counts.dataset.critical = String(c.critical);
  ui.showAll.hidden = c.hidden === 0;
  ui.showAll.textContent = `Show hidden (${c.hidden})`;
  ui.criticalOnly.checked = state.criticalOnly;
  ui.empty.hidden = beds.length > 0;
  ui.empty.textContent =
    c.total === 0
      ? "Waiting for beds…"
      : c.hidden > 0
        ? "View cleared. Beds reappear with their next reading."
        : "No critical beds.";
  ui.clock.textContent = state.connection === "open" || c.total > 0 ? formatTimeOfDay(now) : "--:--:--";
  const down = state.connection !== "open";
  document.body.dataset.connection = state.connection;
  ui.connection.textContent =
    state.connection === "open" ? "Live" : state.connection === "connecting" ? "Connecting…" : "Offline";
  ui.banner.hidden = !down || (state.connection === "connecting" && retryAt === null);
  if (down) {
    const wait = retryAt === null ? 0 : Math.max(0, Math.ceil((retryAt - Date.now()) / 1000));
    ui.banner.textContent =
      state.connection === "down" && wait > 0
        ? `Connection to the gateway lost — reconnecting in ${wait} s. Values shown are not live.`
        : "Connection to the gateway lost — reconnecting… Values shown are not live.";
  }
  if (shownAlerts !== state.alerts) {
    shownAlerts = state.alerts;
    renderAlerts();
  }
}

ui.criticalOnly.addEventListener("change", () =>
  dispatch({ type: "set-critical-only", on: ui.criticalOnly.checked }),
);
ui.clearView.addEventListener("click", () => dispatch({ type: "clear-view" }));
ui.showAll.addEventListener("click", () => dispatch({ type: "show-hidden" }));

new LiveConnection(liveUrl("api/live", page), {
  message: (message) => dispatch({ type: "live", message, browserNow: Date.now() }),
  state: (s, at) => {
    retryAt = at ?? null;
    dispatch({ type: "connection", state: s });
  },
}).start();

// Initial load over HTTP so the grid fills even if the WebSocket is slow or blocked by a proxy.
fetch(new URL("api/beds", page))
  .then((r) => (r.ok ? (r.json() as Promise<BedsResponse>) : null))
  .then((body) => {
    if (body && Array.isArray(body.beds)) {
      dispatch({ type: "initial-load", now: body.now, beds: body.beds, browserNow: Date.now() });
    }
  })
  .catch(() => {
    /* the live connection reports the outage */
  });

// Ages and staleness advance with time even when no message arrives.
setInterval(render, 1000);
render();
