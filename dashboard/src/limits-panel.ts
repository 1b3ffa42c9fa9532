import { el, setText } from "./dom.js";

export const LIMIT_PARAMETERS = [
  { key: "hr", name: "HR", unit: "bpm" },
  { key: "spo2", name: "SpO₂", unit: "%" },
  { key: "temp", name: "Temp", unit: "°C" },
  { key: "rr", name: "RR", unit: "/min" },
  { key: "sbp", name: "SBP", unit: "mmHg" },
] as const;
const FIELDS = ["critical_low", "low", "high", "critical_high"] as const;
type Field = (typeof FIELDS)[number];
type Limits = Record<string, Record<Field, number | null>>;

/** GET /api/beds/:bed/limits */
export interface LimitsView {
  bed: string;
  profile: string;
  limits: Limits;
  delay_ms: Record<string, number>;
  audit: {
    at: number;
    user: string;
    parameter: string | null;
    field: string;
    from: string | null;
    to: string | null;
  }[];
}

/** The body for PUT /api/beds/:bed/limits (without the user): only what differs from `current`. */
export function limitsChange(
  current: Pick<LimitsView, "profile" | "limits" | "delay_ms">,
  form: { profile: string; limits: Record<string, Record<Field, string>>; delayS: Record<string, string> },
): { profile?: string; limits?: Limits; delay_ms?: Record<string, number> } | string {
  if (form.profile !== current.profile) return { profile: form.profile };
  const limits: Limits = {};
  const delay: Record<string, number> = {};
  for (const { key, name } of LIMIT_PARAMETERS) {
    for (const f of FIELDS) {
      const raw = (form.limits[key]?.[f] ?? "").trim();
      const v = raw === "" ? null : Number(raw);
      if (v !== null && !Number.isFinite(v))
        return `${name} ${f.replace("_", " ")} must be a number or empty (off)`;
      if (v !== (current.limits[key]?.[f] ?? null)) {
        limits[key] ??= {} as Record<Field, number | null>;
        (limits[key] as Record<Field, number | null>)[f] = v;
      }
    }
    const d = (form.delayS[key] ?? "").trim();
    if (d !== "") {
      const ms = Math.round(Number(d) * 1000);
      if (!Number.isFinite(ms) || ms < 0 || ms > 30_000) return `${name} delay must be 0–30 s`;
      if (ms !== current.delay_ms[key]) delay[key] = ms;
    }
  }
  const out: { limits?: Limits; delay_ms?: Record<string, number> } = {};
  if (Object.keys(limits).length) out.limits = limits;
  if (Object.keys(delay).length) out.delay_ms = delay;
  return Object.keys(out).length ? out : "Nothing changed";
}

/**
 * The bed dialog's alarm limits: the profile (switching drops personal overrides), the four limits and
 * the delay of each parameter, and who changed what. Saved through PUT /api/beds/:bed/limits, which
 * validates and audits; the form reloads from the gateway after every save.
 */
export class LimitsPanel {
  private bed: string | null = null;
  private current: LimitsView | null = null;

  constructor(
    private readonly root: HTMLElement,
    private readonly io: {
      load(bed: string): Promise<LimitsView>;
      save(bed: string, change: Exclude<ReturnType<typeof limitsChange>, string>): Promise<unknown>;
    },
  ) {
    const table = this.part("limits-rows");
    for (const p of LIMIT_PARAMETERS) {
      const tr = el("tr", "");
      tr.dataset.parameter = p.key;
      el("th", "", tr, `${p.name} ${p.unit}`).setAttribute("scope", "row");
      for (const f of [...FIELDS, "delay"]) {
        const td = el("td", "", tr);
        const input = el("input", "", td);
        input.name = `${p.key}.${f}`;
        input.inputMode = "decimal";
        input.setAttribute("aria-label", `${p.name} ${f.replace("_", " ")}${f === "delay" ? " (s)" : ""}`);
      }
      table.append(tr);
    }
    (this.part("limits-form") as HTMLFormElement).addEventListener("submit", (e) => {
      e.preventDefault();
      void this.submit();
    });
  }

  async open(bed: string): Promise<void> {
    this.bed = bed;
    this.current = null;
    this.say("Loading…", "info");
    try {
      const v = await this.io.load(bed);
      if (this.bed !== bed) return;
      this.fill(v);
      this.say("", "info");
    } catch (e) {
      this.say(`Could not load the limits (${(e as Error).message}).`, "error");
    }
  }

  private fill(v: LimitsView): void {
    this.current = v;
    (this.part("profile") as HTMLSelectElement).value = v.profile;
    for (const p of LIMIT_PARAMETERS) {
      for (const f of FIELDS) this.input(`${p.key}.${f}`).value = String(v.limits[p.key]?.[f] ?? "");
      this.input(`${p.key}.delay`).value = String((v.delay_ms[p.key] ?? 0) / 1000);
    }
    const audit = this.part("limits-audit");
    audit.replaceChildren(
      ...v.audit
        .slice(0, 5)
        .map((a) =>
          el(
            "li",
            "",
            undefined,
            `${new Date(a.at).toLocaleString(undefined, { hourCycle: "h23" })} · ${a.user}: ${a.parameter ? `${a.parameter} ` : ""}${a.field} ${a.from ?? "off"} → ${a.to ?? "off"}`,
          ),
        ),
    );
  }

  private async submit(): Promise<void> {
    const bed = this.bed;
    if (!bed || !this.current) return;
    const form = {
      profile: (this.part("profile") as HTMLSelectElement).value,
      limits: Object.fromEntries(
        LIMIT_PARAMETERS.map((p) => [
          p.key,
          Object.fromEntries(FIELDS.map((f) => [f, this.input(`${p.key}.${f}`).value])),
        ]),
      ) as Record<string, Record<Field, string>>,
      delayS: Object.fromEntries(LIMIT_PARAMETERS.map((p) => [p.key, this.input(`${p.key}.delay`).value])),
    };
    const change = limitsChange(this.current, form);
    if (typeof change === "string") return this.say(change, "error");
    this.say("Saving…", "info");
    try {
      await this.io.save(bed, change);
      this.fill(await this.io.load(bed));
      this.say("Saved.", "ok");
    } catch (e) {
      this.say(`Not saved: ${(e as Error).message}`, "error");
    }
  }

  private input(name: string): HTMLInputElement {
    return this.root.querySelector(`input[name="${name}"]`) as HTMLInputElement;
  }

  private say(text: string, kind: string): void {
    const e = this.part("limits-status");
    setText(e, text);
    e.dataset.kind = kind;
  }

  private part(name: string): HTMLElement {
    const e = this.root.querySelector<HTMLElement>(`[data-part="${name}"]`);
    if (!e) throw new Error(`bed dialog lacks [data-part="${name}"]`);
    return e;
  }
}
