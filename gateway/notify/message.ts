import { byParameter } from "../../core/parameters.js";
import type { Minimisation } from "./config.js";
import type { NotificationEvent, Priority } from "./notification-event.js";

/** A notification as it is stored in the outbox and handed to every channel. */
export interface NotificationMessage {
  title: string;
  text: string;
  priority: Priority;
  /** Link to the bed (or the dashboard for a digest); absent without a public URL. */
  link?: string;
  /** One line without the link, for template variables and short channels. */
  summary: string;
  /** Structured form for webhooks: only what the minimisation allows. */
  data: Record<string, unknown>;
}

export interface RenderOptions {
  minimisation: Minimisation;
  publicUrl?: string | undefined;
  timeZone: string;
}

const LABELS: Record<string, string> = byParameter((p) => p.name);

function formatTime(at: number, timeZone: string): string {
  // sv-SE formats as "2026-11-21 19:40:05": unambiguous and sortable.
  const local = new Intl.DateTimeFormat("sv-SE", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    hourCycle: "h23",
  }).format(new Date(at));
  return `${local} ${timeZone}`;
}

function bedLink(publicUrl: string | undefined, bed: string): string | undefined {
  if (!publicUrl) return undefined;
  return `${publicUrl.replace(/\/+$/, "")}/#bed=${encodeURIComponent(bed)}`;
}

function where(ward: string | null, bed: string): string {
  return ward ? `${ward} bed ${bed}` : `bed ${bed}`;
}

const KIND_WORD: Record<NotificationEvent["kind"], string> = {
  alarm: "alarm",
  escalation: "ESCALATION",
  test: "test message",
};

/** Renders one event; what is left out under each minimisation level is decided here and only here. */
export function renderEvent(e: NotificationEvent, o: RenderOptions): NotificationMessage {
  const showPatient = o.minimisation === "full" && e.patient !== null;
  const showValues = o.minimisation !== "bed_only";
  const time = formatTime(e.at, o.timeZone);
  const link = bedLink(o.publicUrl, e.bed);
  const title = `${e.priority.toUpperCase()} ${KIND_WORD[e.kind]}: ${where(e.ward, e.bed)}`;
  const values = e.parameters
    .filter((p) => p.value !== null)
    .map((p) => `${LABELS[p.name] ?? p.name} ${p.value}${p.unit ? ` ${p.unit}` : ""}`);
  const summaryParts = [`${where(e.ward, e.bed)}`];
  if (e.technical) summaryParts.push(e.technical);
  if (showPatient) summaryParts.push(`patient ${e.patient}`);
  if (showValues && values.length > 0) summaryParts.push(values.join(", "));
  const summary = `${e.priority.toUpperCase()} ${KIND_WORD[e.kind]} — ${summaryParts.join(" — ")}`;
  const lines = [title];
  if (e.technical) lines.push(`Technical alarm: ${e.technical}`);
  if (showPatient) lines.push(`Patient: ${e.patient}`);
  if (showValues && values.length > 0) lines.push(values.join(", "));
  if (showValues && e.reasons && e.reasons.length > 0) lines.push(e.reasons.join("; "));
  lines.push(`Time: ${time}`);
  if (link) lines.push(link);
  if (e.kind === "test")
    lines.push("This is a test of the vitals notification set-up; no patient is involved.");
  const data: Record<string, unknown> = {
    kind: e.kind,
    priority: e.priority,
    ward: e.ward,
    bed: e.bed,
    at: new Date(e.at).toISOString(),
  };
  if (e.alarmId !== undefined) data.alarmId = e.alarmId;
  if (e.technical) data.technical = e.technical;
  if (showPatient) data.patient = e.patient;
  if (showValues) {
    data.parameters = e.parameters;
    if (e.reasons) data.reasons = e.reasons;
  }
  if (link) data.link = link;
  const msg: NotificationMessage = { title, text: lines.join("\n"), priority: e.priority, summary, data };
  if (link) msg.link = link;
  return msg;
}

export interface DigestEntry {
  bed: string;
  priority: Priority;
}

/** Many beds alarming at once: one message listing beds only, whatever the minimisation. */
export function renderDigest(
  ward: string | null,
  entries: DigestEntry[],
  at: number,
  o: Pick<RenderOptions, "publicUrl" | "timeZone">,
): NotificationMessage {
  const order = ["high", "medium", "low"];
  const sorted = [...entries].sort((a, b) => order.indexOf(a.priority) - order.indexOf(b.priority));
  const top = sorted[0]?.priority ?? "high";
  const beds = sorted.map((x) => `${x.bed} (${x.priority})`);
  const place = ward ? `in ${ward}` : "";
  const title = `${top.toUpperCase()} alarms: ${entries.length} beds ${place}`.trim();
  const link = o.publicUrl ? o.publicUrl.replace(/\/+$/, "") : undefined;
  const lines = [title, `Beds: ${beds.join(", ")}`, `Time: ${formatTime(at, o.timeZone)}`];
  if (link) lines.push(link);
  const data: Record<string, unknown> = {
    kind: "digest",
    priority: top,
    ward,
    beds: sorted,
    at: new Date(at).toISOString(),
  };
  if (link) data.link = link;
  const msg: NotificationMessage = {
    title,
    text: lines.join("\n"),
    priority: top,
    summary: `${title} — beds ${beds.join(", ")}`,
    data,
  };
  if (link) msg.link = link;
  return msg;
}
