import type { BedsResponse } from "../../core/api-types.js";
import { AdmitDialog } from "./admit-dialog.js";
import { AlarmBar } from "./alarm-bar.js";
import { AlarmHistoryDialog } from "./alarm-history-dialog.js";
import { AlarmSound } from "./alarm-sound.js";
import { BedDetail } from "./bed-detail.js";
import { BedGrid } from "./bed-grid.js";
import { DeadLettersDialog, deadLetterBadge } from "./dead-letters-dialog.js";
import { bedFromHash, hashForBed } from "./deep-link.js";
import { formatTimeOfDay } from "./format.js";
import { gatewayTime } from "./freshness.js";
import { HistoryPanel } from "./history-panel.js";
import { LimitsPanel, type LimitsView } from "./limits-panel.js";
import { LiveConnection, liveUrl } from "./live-connection.js";
import { SessionClient, signedInLabel } from "./session-client.js";
import { SignInView } from "./sign-in-view.js";
import { StayActions } from "./stay-actions.js";
import { StayPanel } from "./stay-panel.js";
import {
  initialWardState,
  visibleBeds,
  type WardAction,
  type WardState,
  wardAlarms,
  wardCounts,
  wardCountsText,
  wardReducer,
  wardSound,
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
  alarmingOnly: must<HTMLInputElement>("#alarming-only"),
  sort: must<HTMLSelectElement>("#grid-sort"),
  clearView: must<HTMLButtonElement>("#clear-view"),
  showAll: must<HTMLButtonElement>("#show-all"),
  alerts: must<HTMLElement>("#alerts"),
  dialog: must<HTMLDialogElement>("#history"),
  signIn: must<HTMLElement>("#sign-in"),
  signedIn: must<HTMLElement>("#signed-in-user"),
  signOut: must<HTMLButtonElement>("#sign-out"),
  labMode: must<HTMLElement>("#lab-mode"),
  soundOn: must<HTMLInputElement>("#sound-on"),
  actionStatus: must<HTMLElement>("#action-status"),
  alarmList: must<HTMLElement>("#alarm-list"),
  alarmSummary: must<HTMLElement>("#alarm-summary"),
  openAlarmHistory: must<HTMLButtonElement>("#open-alarm-history"),
  alarmHistory: must<HTMLDialogElement>("#alarm-history"),
  notifyFailed: must<HTMLButtonElement>("#notify-failed"),
  deadLetters: must<HTMLDialogElement>("#dead-letters"),
  admit: must<HTMLDialogElement>("#admit"),
  openAdmit: must<HTMLButtonElement>("#open-admit"),
};

let state: WardState = initialWardState();
let retryAt: number | null = null;
let detailBed: string | null = null;

// Nothing else runs until someone is signed in: the gateway answers 401 to everything else anyway.
const sessions = new SessionClient(page);
const signInView = new SignInView(ui.signIn, sessions);
let me = await signInView.session();
// Technicians and administrators hold no ward.read: the central station is not theirs to watch.
while (!me.permissions.includes("ward.read"))
  me = await signInView.again(`${me.user} (${me.role}) may not see the ward. Sign in with a ward role.`);
ui.signedIn.textContent = signedInLabel(me);
ui.signOut.hidden = me.kind !== "user";
ui.signOut.addEventListener("click", () => {
  void sessions.signOut(me.csrf_token).finally(() => window.location.reload());
});
const lab = [me.demo ? "Demo mode" : "", me.open_nodes ? "lab mode: nodes connect without credentials" : ""];
ui.labMode.textContent = lab.filter(Boolean).join(" · ");
ui.labMode.hidden = ui.labMode.textContent === "";

const api = new StayActions(page);
api.csrf = me.csrf_token;
const sound = new AlarmSound();

function dispatch(action: WardAction) {
  state = wardReducer(state, action);
  render();
}

let statusTimer: ReturnType<typeof setTimeout> | undefined;
function say(text: string, kind: "error" | "info" = "info") {
  ui.actionStatus.textContent = text;
  ui.actionStatus.dataset.kind = kind;
  ui.actionStatus.hidden = false;
  clearTimeout(statusTimer);
  statusTimer = setTimeout(() => {
    ui.actionStatus.hidden = true;
  }, 6_000);
}

/** Actions are logged under the signed-in user, by the gateway. */
function acknowledge(bed: string, ids: string[]) {
  dispatch({ type: "ack-sent", ids });
  void Promise.allSettled(ids.map((id) => api.acknowledge(id))).then((results) => {
    dispatch({ type: "ack-settled", ids });
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    if (failed.length)
      say(`${bed}: acknowledge failed (${String(failed[0]?.reason?.message ?? "")}).`, "error");
  });
}

function pause(bed: string) {
  api.pause(bed).catch((e: Error) => say(`${bed}: audio pause failed (${e.message}).`, "error"));
}

const history = new HistoryPanel(ui.dialog, page);
const detail = new BedDetail(ui.dialog, {
  acknowledge,
  pause,
  observe: (bed, entry) => api.observe(bed, entry),
});
const admitDialog = new AdmitDialog(ui.admit, (entry) => api.admit(entry));
const stayPanel = new StayPanel(ui.dialog, {
  admit: (bed) => admitDialog.open(bed),
  transfer: (stay, to) => api.transfer(stay.id, to),
  standby: (stay, on) => api.standby(stay.id, on),
  discharge: (stay) => api.discharge(stay.id),
  removeBed: (bed) =>
    api.removeBed(bed).then((r) => {
      ui.dialog.close();
      return r;
    }),
  historyLinks: (id) => api.historyLinks(id),
});
ui.openAdmit.addEventListener("click", () => admitDialog.open());
const limitsPanel = new LimitsPanel(ui.dialog, {
  load: (bed) => api.limits<LimitsView>(bed),
  save: (bed, change) => api.setLimits(bed, change),
});

/** A bed named by `#bed=…` opens as soon as the gateway has reported it. */
let linkedBed = bedFromHash(window.location.hash);
window.addEventListener("hashchange", () => {
  linkedBed = bedFromHash(window.location.hash);
  render();
});

function openBed(bed: string) {
  detailBed = bed;
  if (bedFromHash(window.location.hash) !== bed) window.history.replaceState(null, "", hashForBed(bed));
  detail.open(bed);
  stayPanel.open(bed);
  void limitsPanel.open(bed);
  void history.open(bed, state.beds.get(bed)?.patient ?? null);
  render();
}
ui.dialog.addEventListener("close", () => {
  detailBed = null;
  if (bedFromHash(window.location.hash) !== null)
    window.history.replaceState(null, "", window.location.pathname + window.location.search);
});
const grid = new BedGrid(ui.grid, { open: openBed, acknowledge, pause });
function acknowledgeNotice(noticeId: string) {
  dispatch({ type: "ack-sent", ids: [noticeId] });
  api.acknowledgeNotice(noticeId).then(
    () => dispatch({ type: "ack-settled", ids: [noticeId] }),
    (e: Error) => {
      dispatch({ type: "ack-settled", ids: [noticeId] });
      say(`Acknowledging the notice failed (${e.message}).`, "error");
    },
  );
}
const alarmBar = new AlarmBar(ui.alarmList, ui.alarmSummary, {
  open: openBed,
  acknowledge,
  acknowledgeNotice,
});
const alarmHistory = new AlarmHistoryDialog(
  ui.alarmHistory,
  async () => (await api.history(200)).history ?? [],
);

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
  if (linkedBed !== null && state.beds.has(linkedBed)) {
    const bed = linkedBed;
    linkedBed = null;
    if (detailBed !== bed) openBed(bed);
    return;
  }
  const now = gatewayTime(Date.now(), state.offsetMs);
  const beds = visibleBeds(state);
  grid.render(beds, now, state.pendingAcks);
  const alarms = wardAlarms(state);
  alarmBar.render(alarms, now, state.pendingAcks, state.notices);
  document.body.dataset.alarm = alarms[0]?.priority ?? "none";
  if (detailBed) {
    detail.render(state.beds.get(detailBed), now, state.pendingAcks);
    stayPanel.render(state.beds.get(detailBed), now);
  }
  alarmHistory.refresh(state.alarmEventCount);
  sound.play(wardSound(state));
  const badge = deadLetterBadge(state.notifications);
  ui.notifyFailed.hidden = badge === null;
  if (badge !== null && ui.notifyFailed.textContent !== badge) ui.notifyFailed.textContent = badge;
  const c = wardCounts(state);
  const countsText = wardCountsText(c);
  if (ui.counts.textContent !== countsText) ui.counts.textContent = countsText;
  ui.counts.dataset.alarming = String(c.alarming);
  ui.counts.dataset.alarms = String(c.alarms);
  ui.showAll.hidden = c.hidden === 0;
  ui.showAll.textContent = `Show hidden (${c.hidden})`;
  ui.alarmingOnly.checked = state.alarmingOnly;
  ui.sort.value = state.sort;
  ui.empty.hidden = beds.length > 0;
  ui.empty.textContent =
    c.beds === 0
      ? "Waiting for beds…"
      : c.hidden > 0
        ? "View cleared. Beds reappear with their next reading."
        : "No alarming beds.";
  ui.clock.textContent = state.connection === "open" || c.beds > 0 ? formatTimeOfDay(now) : "--:--:--";
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

// Browsers start audio only from a user gesture: the checkbox click is that gesture.
ui.soundOn.addEventListener("change", () => {
  if (ui.soundOn.checked) sound.enable();
  else sound.disable();
});
ui.openAlarmHistory.addEventListener("click", () => alarmHistory.open(state.alarmEventCount));
const deadLetters = new DeadLettersDialog(ui.deadLetters, api);
ui.notifyFailed.addEventListener("click", () => void deadLetters.open());
// The live feed reports changes only; the current counts come from the API once at load.
if (me.permissions.includes("notifications.read"))
  void api.notifications().then(
    (n) =>
      dispatch({
        type: "live",
        message: { type: "notifications", pending: n.pending, dead: n.dead },
        browserNow: Date.now(),
      }),
    () => {},
  );
ui.alarmingOnly.addEventListener("change", () =>
  dispatch({ type: "set-alarming-only", on: ui.alarmingOnly.checked }),
);
ui.sort.addEventListener("change", () =>
  dispatch({ type: "set-sort", sort: ui.sort.value === "bed" ? "bed" : "severity" }),
);
ui.clearView.addEventListener("click", () => dispatch({ type: "clear-view" }));
ui.showAll.addEventListener("click", () => dispatch({ type: "show-hidden" }));

new LiveConnection(liveUrl("api/live", page), {
  message: (message) => dispatch({ type: "live", message, browserNow: Date.now() }),
  state: (s, at) => {
    retryAt = at ?? null;
    dispatch({ type: "connection", state: s });
    // A refused upgrade looks like any drop to the browser: ask whether the session is still there.
    if (s === "down")
      void sessions.current().then(
        (c) => c || window.location.reload(),
        () => {},
      );
  },
  // Signed out (here or elsewhere), session expired, token revoked: back to the sign-in form.
  ended: () => window.location.reload(),
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

// Ages, staleness and pause countdowns advance with time even when no message arrives.
setInterval(render, 1000);
render();
