import { describe, expect, it } from "vitest";
import type { AlarmRecordView } from "../../core/api-types.js";
import { historyRow } from "./alarm-history-dialog.js";
import { formatTimeOfDay } from "./format.js";

const raised = Date.UTC(2026, 10, 21, 14, 3, 7);
function record(over: Partial<AlarmRecordView>): AlarmRecordView {
  return {
    id: "Bed-5#1",
    bed: "Bed-5",
    patient: "P-1005",
    kind: "physiological",
    parameter: "spo2",
    priority: "high",
    value: 80,
    raised_at: raised,
    acknowledged_by: null,
    acknowledged_at: null,
    escalated_at: null,
    cleared_at: null,
    cleared_reason: null,
    ...over,
  };
}

describe("historyRow", () => {
  it("says who acknowledged an alarm and why it cleared", () => {
    const row = historyRow(
      record({
        acknowledged_by: "nurse.kim",
        acknowledged_at: raised + 5_000,
        cleared_at: raised + 9_000,
        cleared_reason: "resolved",
      }),
    );
    expect(row).toEqual([
      formatTimeOfDay(raised),
      "Bed-5 · P-1005",
      "!!! HIGH",
      "SpO₂ 80 %",
      `${formatTimeOfDay(raised + 5_000)} by nurse.kim`,
      `${formatTimeOfDay(raised + 9_000)} (condition ended)`,
    ]);
  });

  it("shows an alarm still listed, and a technical one as such", () => {
    const row = historyRow(
      record({ kind: "sensor_off", parameter: "device", priority: "medium", value: null, patient: null }),
    );
    expect(row.slice(1)).toEqual(["Bed-5", "!! MEDIUM", "TECHNICAL: sensor off", "—", "still listed"]);
  });
});
