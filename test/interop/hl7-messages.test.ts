import { execFileSync } from "node:child_process";
import { Hl7Message as MedplumHl7 } from "@medplum/core";
import { describe, expect, it } from "vitest";
import { buildAck, HL7_ERRORS, parseAck } from "../../gateway/hl7/ack.js";
import { parseHl7 } from "../../gateway/hl7/hl7-text.js";
import type { Hl7Identity } from "../../gateway/hl7/message-header.js";
import { buildPcd01 } from "../../gateway/hl7/pcd01-message.js";
import { alarmEventTerm, buildPcd04, type ReportedAlarmEvent } from "../../gateway/hl7/pcd04-message.js";
import type { StoredReading } from "../../gateway/interop/reading-feed.js";
import { expectConformantHl7, hl7Problems } from "../support/hl7/hl7-conformance.js";

const identity: Hl7Identity = {
  application: "VITALS",
  facility: "WARD",
  universalId: "0123456789ABCDEF",
  universalIdType: "EUI-64",
};
const receiver = { application: "EMR", facility: "HOSP" };
const T = Date.UTC(2024, 4, 1, 12, 0, 0, 250);

const reading: StoredReading = {
  id: 42,
  node: "node-7",
  bed: "B3",
  patient: "P123",
  ward: "W1",
  t: T,
  receivedAt: T + 40,
  values: { hr: 72, spo2: 97, temp: 36.85, rr: 16, sbp: 121, dbp: 79, pi: 2.1, battery: 80 },
  flags: [],
  status: "NORMAL",
};

const pcd01 = () =>
  buildPcd01(reading, "P123", {
    identity,
    receiver,
    patientAuthority: "HOSP",
    controlId: "ABC-1",
    now: T + 50,
  });

const base = { at: T, bed: "B3", patient: "P123", alarmId: "a-1", value: 85, priority: "high" as const };
const events: ReportedAlarmEvent[] = [
  { ...base, type: "raised", kind: "physiological", parameter: "spo2", since: T - 5000, limit: 90 },
  { ...base, type: "acknowledged", kind: "physiological", parameter: "spo2", user: "nurse" },
  { ...base, type: "escalated", kind: "physiological", parameter: "spo2", unacknowledgedMs: 60_000 },
  { ...base, type: "cleared", kind: "physiological", parameter: "spo2", reason: "resolved", user: null },
  {
    ...base,
    type: "raised",
    kind: "sensor_off",
    parameter: "device",
    value: null,
    since: T,
    priority: "medium",
  },
  { ...base, type: "raised", kind: "low_battery", parameter: "device", value: 5, since: T, priority: "low" },
];
const pcd04 = (e: ReportedAlarmEvent) =>
  buildPcd04(e, "P123", {
    identity,
    receiver,
    patientAuthority: "HOSP",
    controlId: "ABC-2",
    now: T,
    ward: "W1",
    node: "node-7",
    event: alarmEventTerm(events[0] as ReportedAlarmEvent),
  });

/** The message with one field of one segment emptied. */
function without(text: string, seg: string, field: number): string {
  return text
    .split("\r")
    .map((line) => {
      if (!line.startsWith(`${seg}|`)) return line;
      const parts = line.split("|");
      const i = seg === "MSH" ? field - 1 : field;
      while (parts.length <= i) parts.push("");
      parts[i] = "";
      return parts.join("|");
    })
    .join("\r");
}

describe("PCD-01 ORU^R01", () => {
  it("conforms to HL7 v2.6 (hl7v2 dictionary: structure, required fields, data types)", () => {
    const m = expectConformantHl7(pcd01());
    expect(m.messageType).toBe("ORU^R01");
    expect(m.controlId).toBe("ABC-1");
  });

  it("carries one OBX per parameter with MDC codes, units, containment, time and equipment", () => {
    const lines = pcd01().split("\r");
    expect(lines[0]).toContain(
      "|ORU^R01^ORU_R01|ABC-1|P|2.6|||NE|AL||UNICODE UTF-8|||IHE_PCD_001^IHE PCD^1.3.6.1.4.1.19376.1.6.1.1.1^ISO",
    );
    expect(lines[0]).toMatch(/^MSH\|\^~\\&\|VITALS\^0123456789ABCDEF\^EUI-64\|WARD\|EMR\|HOSP\|/);
    expect(lines).toContain("PID|||P123^^^HOSP^PI||^^^^^^U");
    expect(lines).toContain("PV1||I|W1^^B3");
    const obx = lines.filter((l) => l.startsWith("OBX|")).map((l) => l.split("|"));
    expect(obx.map((f) => [f[3], f[4], f[5], f[6]])).toEqual([
      ["150456^MDC_PULS_OXIM_SAT_O2^MDC", "1.1.1.1", "97", "262688^MDC_DIM_PERCENT^MDC"],
      ["149530^MDC_PULS_OXIM_PULS_RATE^MDC", "1.1.1.2", "72", "264864^MDC_DIM_BEAT_PER_MIN^MDC"],
      ["150364^MDC_TEMP_BODY^MDC", "1.2.1.1", "36.85", "268192^MDC_DIM_DEGC^MDC"],
      ["151562^MDC_RESP_RATE^MDC", "1.3.1.1", "16", "264928^MDC_DIM_RESP_PER_MIN^MDC"],
      ["150021^MDC_PRESS_BLD_NONINV_SYS^MDC", "1.4.1.1", "121", "266016^MDC_DIM_MMHG^MDC"],
      ["150022^MDC_PRESS_BLD_NONINV_DIA^MDC", "1.4.1.2", "79", "266016^MDC_DIM_MMHG^MDC"],
    ]);
    for (const f of obx) {
      expect(f[11]).toBe("F");
      expect(f[14]).toBe("20240501120000.250+0000");
      expect(f[18]).toMatch(/^[0-9A-F]{16}\^\^[0-9A-F]{16}\^EUI-64$/);
    }
  });

  it("is read the same by a second parser (@medplum/core)", () => {
    const m = MedplumHl7.parse(pcd01());
    const obx = m.getAllSegments("OBX");
    expect(obx.map((s) => [s.getComponent(3, 1), s.getField(5).toString()])).toEqual([
      ["150456", "97"],
      ["149530", "72"],
      ["150364", "36.85"],
      ["151562", "16"],
      ["150021", "121"],
      ["150022", "79"],
    ]);
  });

  it.each([
    ["MSH", 10],
    ["MSH", 9],
    ["PID", 3],
    ["OBR", 4],
    ["OBX", 3],
    ["OBX", 11],
  ])("the validator catches a missing required %s-%i", (seg, field) => {
    const { problems } = hl7Problems(without(pcd01(), seg, field));
    expect(problems.join("\n")).toMatch(new RegExp(`${seg}-${field}|${seg}`));
    expect(problems.length).toBeGreaterThan(0);
  });

  it("the validator catches a missing segment and a malformed time", () => {
    const noObr = pcd01()
      .split("\r")
      .filter((l) => !l.startsWith("OBR"))
      .join("\r");
    expect(hl7Problems(noObr).problems.length).toBeGreaterThan(0);
    expect(
      hl7Problems(pcd01().replace("|20240501120000.250+0000||||", "|2024x||||")).problems.length,
    ).toBeGreaterThan(0);
  });
});

describe("PCD-04 ORU^R40", () => {
  it.each(events.map((e) => [`${e.type} ${e.kind}`, e] as const))("%s conforms to HL7 v2.6", (_n, e) => {
    expectConformantHl7(pcd04(e));
  });

  it("reports phase, state, priority and type in the ACM facets", () => {
    const lines = pcd04(events[0] as ReportedAlarmEvent).split("\r");
    expect(lines[0]).toContain(
      "|ORU^R40^ORU_R40|ABC-2|P|2.6|||AL|NE||UNICODE UTF-8|||IHE_PCD_ACM_001^IHE PCD^1.3.6.1.4.1.19376.1.6.1.4.1^ISO",
    );
    expect(lines.find((l) => l.startsWith("OBR|"))).toContain(
      "|a-1^VITALS^0123456789ABCDEF^EUI-64|196616^MDC_EVT_ALARM^MDC|",
    );
    const obx = lines.filter((l) => l.startsWith("OBX|")).map((l) => l.split("|"));
    expect(obx[0]?.slice(2, 6)).toEqual(["ST", "196670^MDC_EVT_LO^MDC", "1.1.1.1.1", "SpO2 out of limits"]);
    expect(obx[0]?.[8]).toBe("PH~SP");
    expect(obx[1]?.slice(2, 7)).toEqual([
      "NM",
      "150456^MDC_PULS_OXIM_SAT_O2^MDC",
      "1.1.1.1.2",
      "85",
      "262688^MDC_DIM_PERCENT^MDC",
    ]);
    expect(obx.slice(2).map((f) => [f[3], f[5]])).toEqual([
      ["68481^MDC_ATTR_EVENT_PHASE^MDC", "start"],
      ["68482^MDC_ATTR_ALARM_STATE^MDC", "active"],
      ["68483^MDC_ATTR_ALARM_INACTIVATION_STATE^MDC", "enabled"],
      ["68484^MDC_ATTR_ALARM_PRIORITY^MDC", "PH"],
      ["68485^MDC_ATTR_ALERT_TYPE^MDC", "SP"],
    ]);
    const phase = (e: ReportedAlarmEvent) =>
      pcd04(e)
        .split("\r")
        .filter((l) => l.startsWith("OBX|"))
        .slice(2, 5)
        .map((l) => l.split("|")[5]);
    expect(phase(events[1] as ReportedAlarmEvent)).toEqual(["update", "active", "alert-acknowledged"]);
    expect(phase(events[3] as ReportedAlarmEvent)).toEqual(["end", "inactive", "enabled"]);
    const tech = pcd04(events[4] as ReportedAlarmEvent)
      .split("\r")
      .filter((l) => l.startsWith("OBX|"));
    expect(tech[0]).toContain("|1.0.0.0.1|device: sensor off|||PM~ST|");
  });
});

describe("ACK", () => {
  const inbound = parseHl7(
    "MSH|^~\\&|ADT^1.2.3^ISO|HOSP|||20240501120000||ADT^A01^ADT_A01|MSG9|P|2.6\rPID|||P1\r",
  );
  it("AA and AE with ERR conform and read back", () => {
    const aa = buildAck({ inbound, identity, controlId: "X1", now: T, code: "AA" });
    expectConformantHl7(aa);
    expect(parseAck(aa)).toEqual({ code: "AA", controlId: "MSG9", text: "" });
    const ae = buildAck({
      inbound,
      identity,
      controlId: "X2",
      now: T,
      code: "AE",
      error: { code: HL7_ERRORS.unknownKey, text: 'unknown bed "B9"', location: "PV1^1^3^3" },
    });
    expectConformantHl7(ae);
    const parsed = parseAck(ae);
    expect(parsed.code).toBe("AE");
    expect(parsed.text).toContain('unknown bed "B9"');
    expect(ae).toContain('ERR||PV1^1^3^3|204^Unknown key identifier^HL70357|E||||unknown bed "B9"');
  });
});

describe("second opinion: python3-hl7 (Debian)", () => {
  // Debian's interpreter, where apt installs python3-hl7 (a pyenv python3 may come first on PATH).
  const PY = "/usr/bin/python3";
  let hasPythonHl7 = false;
  try {
    execFileSync(PY, ["-c", "import hl7"], { stdio: "ignore" });
    hasPythonHl7 = true;
  } catch {}
  it.skipIf(!hasPythonHl7)("parses PCD-01 and PCD-04 to the same OBX values", () => {
    const script =
      "import sys,hl7,json\nm=hl7.parse(sys.stdin.read())\nprint(json.dumps([[str(s[3][0][0]),str(s[5])] for s in m.segments('OBX')]))";
    const out = JSON.parse(execFileSync(PY, ["-c", script], { input: pcd01() }).toString()) as string[][];
    expect(out).toEqual([
      ["150456", "97"],
      ["149530", "72"],
      ["150364", "36.85"],
      ["151562", "16"],
      ["150021", "121"],
      ["150022", "79"],
    ]);
    const alarm = JSON.parse(
      execFileSync(PY, ["-c", script], { input: pcd04(events[0] as ReportedAlarmEvent) }).toString(),
    ) as string[][];
    expect(alarm.map((x) => x[0])).toEqual(["196670", "150456", "68481", "68482", "68483", "68484", "68485"]);
  });
});
