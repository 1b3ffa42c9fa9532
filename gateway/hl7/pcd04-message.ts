import type { AlarmEvent } from "../alarms/types.js";
import {
  ACM_FACETS,
  IHE_PCD_04_PROFILE,
  MDC_EVT_ALARM,
  MDC_EVT_BATT_LO,
  MDC_EVT_HI,
  MDC_EVT_LO,
  type MdcTerm,
  mdcCwe,
  VITAL_CODE_BY_PARAMETER,
} from "../interop/vital-codes.js";
import { escapeHl7, hl7Time, message, segment } from "./hl7-text.js";
import { equipmentEi, type Hl7Identity, type Hl7Receiver, oruHead } from "./message-header.js";
import { hl7Number } from "./pcd01-message.js";

/** Alarm events with a PCD-04 report; pauses and limit changes are not alarm state changes. */
export type ReportedAlarmEvent = Extract<
  AlarmEvent,
  { type: "raised" | "acknowledged" | "escalated" | "cleared" }
>;

export function isReportedAlarmEvent(e: AlarmEvent): e is ReportedAlarmEvent {
  return e.type === "raised" || e.type === "acknowledged" || e.type === "escalated" || e.type === "cleared";
}

export interface Pcd04Context {
  identity: Hl7Identity;
  receiver: Hl7Receiver;
  patientAuthority: string;
  controlId: string;
  now: number;
  ward: string | null;
  node: string | null;
  /** The event the alarm was raised as (kept from its "raised" event). */
  event: MdcTerm;
}

const PRIORITY = { high: "PH", medium: "PM", low: "PL" } as const;

/** MDC event for a newly raised alarm: above or below its limit, low battery, or a generic alarm. */
export function alarmEventTerm(e: ReportedAlarmEvent): MdcTerm {
  if (e.kind === "low_battery") return MDC_EVT_BATT_LO;
  if (e.kind === "physiological" && e.type === "raised" && e.limit !== undefined && e.value !== null) {
    return e.value > e.limit ? MDC_EVT_HI : MDC_EVT_LO;
  }
  return MDC_EVT_ALARM;
}

export function parseTerm(cwe: string): MdcTerm {
  const [code, refId] = cwe.split("^");
  return { code: Number(code), refId: refId ?? "" };
}

/** ACM phase, alarm state and inactivation state of one alarm event. */
export function acmStates(e: ReportedAlarmEvent): { phase: string; state: string; inactivation: string } {
  switch (e.type) {
    case "raised":
      return { phase: e.from ? "update" : "start", state: "active", inactivation: "enabled" };
    case "acknowledged":
      return { phase: "update", state: "active", inactivation: "alert-acknowledged" };
    case "escalated":
      return { phase: "update", state: "active", inactivation: "enabled" };
    case "cleared":
      return {
        phase: "end",
        state: "inactive",
        inactivation: e.reason === "acknowledged" ? "alert-acknowledged" : "enabled",
      };
    default: {
      const never: never = e;
      throw new Error(`unreported event ${JSON.stringify(never)}`);
    }
  }
}

/**
 * IHE PCD-04 "Report Alert" (IHE ACM): ORU^R40 with the alarm's facets as OBX segments numbered
 * <containment>.<facet>: 1 event (priority and type in OBX-8), 2 source, 3 phase, 4 state,
 * 5 inactivation state, 6 priority, 7 type. OBR-3 is the alarm's id, the same in every update.
 */
export function buildPcd04(e: ReportedAlarmEvent, patient: string, ctx: Pcd04Context): string {
  const at = hl7Time(e.at);
  const code = e.parameter === "device" ? undefined : VITAL_CODE_BY_PARAMETER.get(e.parameter);
  const containment = code ? `1.${code.containment.join(".")}` : "1.0.0.0";
  const type = e.kind === "physiological" ? "SP" : "ST";
  const priority = PRIORITY[e.priority];
  const states = acmStates(e);
  const equipment = ctx.node ? equipmentEi(ctx.node) : "";
  const text = alarmText(e);
  const obx = (n: number, vt: string, id: string, value: string, extra: Record<number, string> = {}) => {
    const f: string[] = [String(n), vt, id, `${containment}.${n}`, value];
    for (const [k, v] of Object.entries(extra)) f[Number(k) - 1] = v;
    f[10] = "F";
    return segment(
      "OBX",
      Array.from({ length: f.length }, (_, i) => f[i] ?? ""),
    );
  };
  const segs = [
    ...oruHead(ctx, {
      type: "ORU^R40^ORU_R40",
      profile: IHE_PCD_04_PROFILE,
      acceptAck: "AL",
      applicationAck: "NE",
      patient,
      ward: ctx.ward,
      bed: e.bed,
      filler: escapeHl7(e.alarmId),
      service: mdcCwe(MDC_EVT_ALARM),
      at,
    }),
    obx(1, "ST", mdcCwe(ctx.event), escapeHl7(text), { 8: `${priority}~${type}`, 14: at, 18: equipment }),
    code && e.value !== null
      ? obx(2, "NM", mdcCwe(code.mdc), hl7Number(e.value), { 6: mdcCwe(code.mdcUnit), 14: at })
      : obx(2, "ST", mdcCwe(ACM_FACETS.source), code ? mdcCwe(code.mdc) : "device"),
    obx(3, "ST", mdcCwe(ACM_FACETS.phase), states.phase),
    obx(4, "ST", mdcCwe(ACM_FACETS.state), states.state),
    obx(5, "ST", mdcCwe(ACM_FACETS.inactivation), states.inactivation),
    obx(6, "ST", mdcCwe(ACM_FACETS.priority), priority),
    obx(7, "ST", mdcCwe(ACM_FACETS.type), type),
  ];
  return message(segs);
}

function alarmText(e: ReportedAlarmEvent): string {
  const what =
    e.parameter === "device" ? "device" : (VITAL_CODE_BY_PARAMETER.get(e.parameter)?.label ?? e.parameter);
  return e.kind === "physiological" ? `${what} out of limits` : `${what}: ${e.kind.replace(/_/g, " ")}`;
}
