import type { ReadingView } from "../../core/api-types.js";
import type { HistoryQuery } from "./sqlite-store.js";

/** Where /api/readings gets its answers: the SQLite store, or InfluxDB when readings are forwarded there. */
export interface ReadingHistory {
  history(q: HistoryQuery): ReadingView[] | Promise<ReadingView[]>;
}
