import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import {
  type ReadingsResponse,
  type ReadingView,
  TILE_PARAMETERS,
  type TrendResponse,
} from "../../core/api-types.js";
import { formatTimeOfDay, formatValue } from "./format.js";
import { axisTime, TREND_HOURS, type TrendHours, trendColumns, trendSeries } from "./trend-chart.js";

/** How many past readings the panel charts; the table lists the newest TABLE_ROWS of them. */
const HISTORY_LIMIT = 300;
const TABLE_ROWS = 25;

const AXIS = { stroke: "#9aa6b2", grid: { stroke: "#26303a", width: 1 }, ticks: { stroke: "#26303a" } };

/** "a, b and c" */
function spokenList(items: readonly string[]): string {
  return items.length < 2 ? items.join("") : `${items.slice(0, -1).join(", ")} and ${items.at(-1)}`;
}

/** uPlot passes null bounds when a series has no values at all. */
function finiteOr(v: number | null, fallback: number): number {
  return typeof v === "number" && Number.isFinite(v) ? v : fallback;
}

/** uPlot axis values on a 24-hour clock in the browser's locale (also left on `box` for tests and tools). */
const timeAxis = (spanMs: number, box: HTMLElement) => ({
  ...AXIS,
  values: (_u: uPlot, splits: number[]) => {
    const labels = splits.map((s) => axisTime(s * 1000, spanMs));
    box.dataset.axis = labels.join("|");
    return labels;
  },
});

/**
 * A bed's history in a modal <dialog>: the trend of HR, SpO2 and temperature over the last 1, 8, 24 or
 * 72 hours (per-minute min–median–max from the gateway) plus a table of the newest readings.
 * Data is fetched when opened or when the range changes (the live view never polls).
 */
export class HistoryPanel {
  private chart: uPlot | null = null;
  private request: AbortController | null = null;
  private trendRequest: AbortController | null = null;
  private returnFocus: HTMLElement | null = null;
  private bed: string | null = null;
  private hours: TrendHours = 1;

  constructor(
    private readonly dialog: HTMLDialogElement,
    private readonly apiBase: string,
    private readonly fetchJson: (url: string, signal: AbortSignal) => Promise<unknown> = async (
      u,
      signal,
    ) => {
      const res = await fetch(u, { signal });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      return res.json();
    },
  ) {
    for (const b of dialog.querySelectorAll<HTMLButtonElement>("[data-trend-hours]")) {
      b.addEventListener("click", () => {
        const h = Number(b.dataset.trendHours);
        if ((TREND_HOURS as readonly number[]).includes(h)) void this.trend(h as TrendHours);
      });
    }
    dialog.addEventListener("close", () => {
      this.request?.abort();
      this.trendRequest?.abort();
      this.chart?.destroy();
      this.chart = null;
      this.returnFocus?.focus();
    });
    const columns = ["Time", ...TILE_PARAMETERS.map((p) => `${p.label} ${p.unit}`), "Status"];
    this.part("columns").replaceChildren(
      ...columns.map((c) => {
        const th = document.createElement("th");
        th.scope = "col";
        th.textContent = c;
        return th;
      }),
    );
    this.part("chart").setAttribute(
      "aria-label",
      `Chart of ${spokenList(TILE_PARAMETERS.map((p) => p.spoken.name))}`,
    );
    dialog
      .querySelector<HTMLButtonElement>(".history-close")
      ?.addEventListener("click", () => dialog.close());
    // A click on the backdrop (outside the panel box) closes it, like most modal dialogs.
    dialog.addEventListener("click", (e) => {
      if (e.target === dialog) dialog.close();
    });
  }

  async open(bed: string, patient: string | null): Promise<void> {
    this.bed = bed;
    this.returnFocus = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    this.part("title").textContent = `${bed} — history`;
    this.part("subtitle").textContent = patient ? `Patient ${patient}` : "No patient id";
    this.part("status").textContent = "Loading…";
    this.part("chart").replaceChildren();
    this.part("rows").replaceChildren();
    this.dialog.dataset.state = "loading";
    if (!this.dialog.open) this.dialog.showModal();
    this.request?.abort();
    const request = new AbortController();
    this.request = request;
    try {
      const url = new URL("api/readings", this.apiBase);
      url.searchParams.set("bed", bed);
      url.searchParams.set("limit", String(HISTORY_LIMIT));
      const body = (await this.fetchJson(url.toString(), request.signal)) as ReadingsResponse;
      if (request.signal.aborted) return;
      const readings = Array.isArray(body?.readings) ? body.readings : [];
      this.show(readings);
    } catch (e) {
      if (request.signal.aborted) return;
      this.dialog.dataset.state = "error";
      this.part("status").textContent = `Could not load history (${(e as Error).message}).`;
    }
  }

  private part(name: string): HTMLElement {
    const e = this.dialog.querySelector<HTMLElement>(`[data-part="${name}"]`);
    if (!e) throw new Error(`history dialog lacks [data-part="${name}"]`);
    return e;
  }

  private show(newestFirst: ReadingView[]): void {
    this.dialog.dataset.state = "ready";
    const n = newestFirst.length;
    this.part("status").textContent =
      n === 0
        ? "No readings stored for this bed."
        : `${n} reading${n === 1 ? "" : "s"} · ${formatTimeOfDay(newestFirst[n - 1]?.received_at ?? 0)} – ${formatTimeOfDay(newestFirst[0]?.received_at ?? 0)}`;
    this.renderTable(newestFirst.slice(0, TABLE_ROWS));
    void this.trend(this.hours);
  }

  /** The trend over the last `hours`, per minute: the median as a line over its min–max band. */
  private async trend(hours: TrendHours): Promise<void> {
    const bed = this.bed;
    if (bed === null) return;
    this.hours = hours;
    for (const b of this.dialog.querySelectorAll<HTMLButtonElement>("[data-trend-hours]"))
      b.setAttribute("aria-pressed", String(Number(b.dataset.trendHours) === hours));
    this.trendRequest?.abort();
    const request = new AbortController();
    this.trendRequest = request;
    const url = new URL(`api/beds/${encodeURIComponent(bed)}/trend`, this.apiBase);
    url.searchParams.set("hours", String(hours));
    try {
      const body = (await this.fetchJson(url.toString(), request.signal)) as TrendResponse;
      if (request.signal.aborted) return;
      this.dialog.dataset.trend = String(hours);
      this.renderTrend(body);
    } catch (e) {
      if (request.signal.aborted) return;
      this.part("chart").textContent = `Could not load the trend (${(e as Error).message}).`;
    }
  }

  private renderTrend(t: TrendResponse): void {
    const box = this.part("chart");
    this.chart?.destroy();
    this.chart = null;
    box.replaceChildren();
    box.dataset.buckets = String(t.buckets.length);
    if (t.buckets.length === 0) {
      box.textContent = "No readings in this range.";
      return;
    }
    const { series, bands } = trendSeries();
    this.chart = new uPlot(
      {
        width: Math.max(320, box.clientWidth || 760),
        height: 260,
        cursor: { drag: { x: false, y: false } },
        bands,
        scales: {
          x: { time: true, range: () => [t.from / 1000, t.to / 1000] },
          vital: {
            range: (_u, lo, hi) => [Math.min(50, finiteOr(lo, 50) - 5), Math.max(110, finiteOr(hi, 110) + 5)],
          },
          temp: {
            range: (_u, lo, hi) => [
              Math.min(35, Math.floor(finiteOr(lo, 35))),
              Math.max(40, Math.ceil(finiteOr(hi, 40))),
            ],
          },
        },
        legend: { show: true },
        series,
        axes: [
          timeAxis(t.to - t.from, box),
          { ...AXIS, scale: "vital", label: "bpm / %" },
          { ...AXIS, scale: "temp", side: 1, label: "°C", grid: { show: false } },
        ],
      },
      trendColumns(t.buckets),
      box,
    );
  }

  private renderTable(rows: ReadingView[]): void {
    this.part("rows").replaceChildren(
      ...rows.map((r) => {
        const tr = document.createElement("tr");
        tr.dataset.status = r.status;
        const cells = [
          formatTimeOfDay(r.received_at),
          ...TILE_PARAMETERS.map((p) => formatValue(p, r[p.key])),
          r.status === "CRITICAL" ? `CRITICAL: ${r.reasons.join("; ")}` : r.status,
        ];
        for (const c of cells) {
          const td = document.createElement("td");
          td.textContent = c;
          tr.append(td);
        }
        return tr;
      }),
    );
  }
}
