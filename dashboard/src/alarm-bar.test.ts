import { describe, expect, it } from "vitest";
import type { AlarmItemView, NoticeView } from "../../core/api-types.js";
import { alarmBarRows, noticeText } from "./alarm-bar.js";

const alarm = (id: string, group: string | null = null): AlarmItemView => ({
  id,
  bed: id.split("#")[0] as string,
  patient: null,
  kind: group ? "disconnected" : "physiological",
  parameter: group ? "device" : "spo2",
  priority: "medium",
  state: "active",
  latched: false,
  value: null,
  since: 0,
  raised_at: 0,
  acknowledged_by: null,
  acknowledged_at: null,
  escalated: false,
  limit: null,
  group,
});
const notice = (id: string, kind: NoticeView["kind"] = "gateway_restart"): NoticeView => ({
  id,
  kind,
  text: "server text",
  at: Date.UTC(2026, 0, 1, 10, 0, 0),
  gap_ms: 37_400,
  state: "active",
  acknowledged_by: null,
  acknowledged_at: null,
  beds: [],
});

describe("alarm bar rows", () => {
  it("puts a notice where its first grouped alarm would be, with its beds' alarms under it", () => {
    const rows = alarmBarRows(
      [alarm("Bed-1#1"), alarm("Bed-2#2", "n1"), alarm("Bed-3#3"), alarm("Bed-4#4", "n1")],
      [notice("n1"), notice("n2", "mass_disconnect")],
    );
    expect(
      rows.map((r) => (r.kind === "alarm" ? r.alarm.id : `${r.notice.id}[${r.alarms.map((a) => a.id)}]`)),
    ).toEqual(["Bed-1#1", "n1[Bed-2#2,Bed-4#4]", "Bed-3#3", "n2[]"]);
  });

  it("an alarm whose notice is gone is listed on its own", () => {
    expect(alarmBarRows([alarm("Bed-2#2", "gone")], []).map((r) => r.kind)).toEqual(["alarm"]);
  });

  it("says when the gateway restarted and how long monitoring stopped", () => {
    expect(noticeText(notice("n1"))).toMatch(
      /^gateway restarted at \d\d:\d\d:\d\d — monitoring gap of 37 s$/,
    );
    expect(noticeText({ ...notice("n2", "mass_disconnect"), text: "4 sensor nodes …" })).toBe(
      "4 sensor nodes …",
    );
  });
});
