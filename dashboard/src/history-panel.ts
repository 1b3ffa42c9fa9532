import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import {
  type ReadingsResponse,
  type ReadingView,
  TILE_PARAMETERS,
  type TileParameter,
} from "../../core/api-types.js";
import { formatTimeOfDay, formatValue } from "./format.js";

/** How many past readings the panel charts; the table lists the newest TABLE_ROWS of them. */
const HISTORY_LIMIT = 300;
const TABLE_ROWS = 25;

const AXIS = { stroke: "#9aa6b2", grid: { stroke: "#26303a", width: 1 }, ticks: { stroke: "#26303a" } };

/** Chart axis and colour per parameter; one without an entry is drawn on the shared axis in grey. */
const SERIES_STYLE: Partial<Record<TileParameter, { scale: "vital" | "temp"; stroke: string }>> = {
  hr: { scale: "vital", stroke: "#3ddc84" },
  spo2: { scale: "vital", stroke: "#4fc3f7" },
  temp: { scale: "temp", stroke: "#ffb74d" },
};

/** "a, b and c" */
function spokenList(items: readonly string[]): string {
  return items.length < 2 ? items.join("") : `${items.slice(0, -1).join(", ")} and ${items.at(-1)}`;
}

/** uPlot passes null bounds when a series has no values at all. */
function finiteOr(v: number | null, fallback: number): number {
  return typeof v === "number" && Number.isFinite(v) ? v : fallback;
}

/**
 * A bed's recent history in a modal <dialog>: chart of the tile's parameters plus a table.
 * Data is fetched once when opened (the live view never polls).
 */
export class HistoryPanel {
  private chart: uPlot | null = null;
  private request: AbortController | null = null;
  private returnFocus: HTMLElement | null = null;

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
    dialog.addEventListener("close", () => {
      this.request?.abort();
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
    if (n > 0) this.renderChart([...newestFirst].reverse());
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

  private renderChart(oldestFirst: ReadingView[]): void {
    const box = this.part("chart");
    const data: uPlot.AlignedData = [
      oldestFirst.map((r) => r.received_at / 1000),
      ...TILE_PARAMETERS.map((p) => oldestFirst.map((r) => r[p.key])),
    ];
    this.chart?.destroy();
    this.chart = new uPlot(
      {
        width: Math.max(320, box.clientWidth || 760),
        height: 260,
        cursor: { drag: { x: false, y: false } },
        // Fixed clinical minimum ranges, widened by the data: a 0.1 °C wobble must not fill the chart.
        scales: {
          x: { time: true },
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
        series: [
          {},
          ...TILE_PARAMETERS.map((p) => ({
            label: `${p.label} (${p.unit})`,
            ...(SERIES_STYLE[p.key] ?? { scale: "vital", stroke: "#9aa6b2" }),
            width: 2,
            spanGaps: false,
          })),
        ],
        axes: [
          AXIS,
          { ...AXIS, scale: "vital", label: "bpm / %" },
          { ...AXIS, scale: "temp", side: 1, label: "°C", grid: { show: false } },
        ],
      },
      data,
      box,
    );
  }
}
