import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { silentLogger } from "../../core/logger.js";
import { BedRegistry } from "../../gateway/beds.js";
import { AdtHandler } from "../../gateway/hl7/adt/adt-handler.js";
import { BedBindingStays } from "../../gateway/hl7/adt/patient-stays.js";
import { FakeTime } from "../support/fake-time.js";

function setup() {
  const db = new Database(":memory:");
  const beds = new BedRegistry();
  beds.restore(["B1", "B2", "B3"].map((bed) => ({ bed, ward: "W", patient: null, node: null, last: null })));
  const stays = new BedBindingStays(db, beds);
  let n = 0;
  const handler = new AdtHandler({
    db,
    stays,
    identity: {
      application: "VITALS",
      facility: "",
      universalId: "0123456789ABCDEF",
      universalIdType: "EUI-64",
    },
    time: Object.assign(new FakeTime(0), { now: () => 1_700_000_000_000 + n * 1000 }),
    logger: silentLogger,
    controlPrefix: "T-",
  });
  const adt = (event: string, patient: string, bed?: string, ward = "W") => {
    n++;
    const pv1 = bed === undefined ? "" : `\rPV1||I|${ward}^^${bed}`;
    return handler.handle(`MSH|^~\\&|HIS|H|||20240101||ADT^${event}|C${n}|P|2.6\rPID|||${patient}${pv1}`)
      .code;
  };
  const patientOf = (b: string) => beds.view(b)?.patient ?? null;
  return { adt, patientOf, beds, db, stays };
}

describe("ADT over the minimal stay model", () => {
  it("transfers (A02), updates (A08), cancels an admission (A11) and a discharge (A13)", () => {
    const { adt, patientOf, beds } = setup();
    expect(adt("A01", "P1", "B1")).toBe("AA");
    expect(adt("A02", "P1", "B2")).toBe("AA");
    expect([patientOf("B1"), patientOf("B2")]).toEqual([null, "P1"]);
    expect(adt("A08", "P1", "B2", "ICU")).toBe("AA");
    expect(beds.view("B2")?.ward).toBe("ICU");
    expect(adt("A08", "P1", "B3")).toBe("AE"); // a move is an A02
    expect(adt("A03", "P1")).toBe("AA");
    expect(patientOf("B2")).toBeNull();
    expect(adt("A13", "P1")).toBe("AA"); // back to the bed of the cancelled discharge
    expect(patientOf("B2")).toBe("P1");
    expect(adt("A13", "P1")).toBe("AE"); // admitted: no discharge to cancel
    expect(adt("A11", "P1")).toBe("AA");
    expect(patientOf("B2")).toBeNull();
    expect(adt("A13", "P1")).toBe("AE"); // the last stay was cancelled, not discharged
  });

  it("refuses a transfer into an occupied bed without touching either stay", () => {
    const { adt, patientOf, db } = setup();
    adt("A01", "P1", "B1");
    adt("A01", "P2", "B2");
    const before = db.prepare("SELECT * FROM hl7_stays ORDER BY id").all();
    expect(adt("A02", "P1", "B2")).toBe("AE");
    expect(adt("A02", "P9", "B3")).toBe("AE");
    expect(db.prepare("SELECT * FROM hl7_stays ORDER BY id").all()).toEqual(before);
    expect([patientOf("B1"), patientOf("B2"), patientOf("B3")]).toEqual(["P1", "P2", null]);
  });

  it("restores current stays after a restart, and they win over a node's hello", () => {
    const { adt, db } = setup();
    adt("A01", "P1", "B1");
    const beds = new BedRegistry();
    const stays = new BedBindingStays(db, beds);
    expect(beds.view("B1")?.patient).toBe("P1");
    beds.connected("B1", "n1", { ward: null, patient: "FROM-HELLO" }, 1);
    expect(beds.view("B1")?.patient).toBe("P1");
    const r = stays.applyTo({ bed: "B1", patient: "FROM-HELLO", ward: null } as never) as { patient: string };
    expect(r.patient).toBe("P1");
  });
});
