import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { PARAMETERS, type ParameterSpec, VITAL_PARAMETERS } from "../../core/parameters.js";
import { fastVitalsFor, implausibility, vitalsSchema, vitalsSchemaFor } from "../../core/protocol/codec.js";
import { toReadingView } from "../beds.js";
import { pointToView, rowToPoint } from "./influx-points.js";
import { trendQuery } from "./influx-schema.js";
import {
  insertReadingSql,
  type ReadingRow,
  readingArgs,
  rowToView,
  type StoredReading,
  viewColumns,
} from "./reading-columns.js";
import { MIGRATIONS } from "./schema.js";

/**
 * docs/architecture-parameters.md: adding a parameter is its declaration plus a migration. Here a
 * hypothetical one (end-tidal CO2) is appended to the real list, and every derived artefact is built
 * from that longer list, as the real ones are built from PARAMETERS.
 */
const etco2 = {
  key: "etco2",
  name: "EtCO2",
  label: "EtCO₂",
  unit: "mmHg",
  ucum: "mm[Hg]",
  spoken: { name: "end-tidal CO2", unit: "millimetres of mercury" },
  plausible: [0, 150],
  required: false,
  decimals: 0,
  kind: "vital",
  tile: false,
} as const satisfies ParameterSpec;
const WITH_ETCO2 = [...PARAMETERS, etco2] as const;
/** The migration the steps prescribe. */
const ADD_ETCO2 = "ALTER TABLE readings ADD COLUMN etco2 REAL;";

const frame = { type: "vitals", seq: 7, t: 1_000, hr: 72, spo2: 97, temp: 36.8, etco2: 38 };
const reading: StoredReading<typeof WITH_ETCO2> = {
  node: "n1",
  boot: "",
  seq: 7,
  bed: "Bed-1",
  patient: "P1",
  ward: "ICU",
  t: 1_000,
  receivedAt: 2_000,
  values: { hr: 72, spo2: 97, temp: 36.8, etco2: 38 },
  flags: ["artifact"],
  status: "NORMAL",
  reasons: [],
};

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

function migratedDb(migrations: readonly string[]): Database.Database {
  dir = mkdtempSync(join(tmpdir(), "vitals-parameter-"));
  const db = new Database(join(dir, "vitals.db"));
  for (const m of migrations) db.exec(m);
  return db;
}

describe("the parameter declaration", () => {
  it("has a REAL column in the readings table for every declared parameter once the migrations ran", () => {
    const db = migratedDb(MIGRATIONS);
    const columns = db.prepare("SELECT name, type FROM pragma_table_info('readings')").all() as {
      name: string;
      type: string;
    }[];
    for (const key of VITAL_PARAMETERS) expect(columns).toContainEqual({ name: key, type: "REAL" });
    db.close();
  });
});

describe("adding a parameter: the declaration plus a migration", () => {
  it("the wire schema and the hand-checked fast path accept it, optional, and check its range", () => {
    const schema = vitalsSchemaFor(WITH_ETCO2);
    const fast = fastVitalsFor(WITH_ETCO2);
    expect(schema.parse(frame)).toEqual(frame);
    expect(fast(frame)).toEqual(frame);
    // Optional: frames from nodes that do not know it stay valid.
    const { etco2: _, ...old } = frame;
    expect(schema.parse(old)).toEqual(old);
    expect(fast(old)).toEqual(old);
    expect(schema.safeParse({ ...frame, etco2: "38" }).success).toBe(false);
    expect(fast({ ...frame, etco2: "38" })).toBeUndefined();
    expect(implausibility({ etco2: 151 }, WITH_ETCO2)).toEqual({
      parameter: "etco2",
      value: 151,
      message: "etco2 151 mmHg is outside the plausible range 0–150",
    });
    // Today's schema does not know it (zod drops unknown keys): the list is what made the difference.
    expect(vitalsSchema.parse(frame)).not.toHaveProperty("etco2");
  });

  it("is stored in and read back from its SQLite column", () => {
    const db = migratedDb([...MIGRATIONS, ADD_ETCO2]);
    expect(viewColumns(WITH_ETCO2)).toContain("etco2");
    const insert = db.prepare(insertReadingSql(WITH_ETCO2));
    insert.run(readingArgs(reading, WITH_ETCO2));
    insert.run(readingArgs({ ...reading, seq: 8, values: { hr: 70, spo2: null, temp: 37 } }, WITH_ETCO2));
    const rows = db
      .prepare(`SELECT ${viewColumns(WITH_ETCO2).join(", ")} FROM readings ORDER BY seq`)
      .all() as ReadingRow<typeof WITH_ETCO2>[];
    const views = rows.map(rowToView);
    expect(views[0]).toMatchObject({ seq: 7, hr: 72, etco2: 38, flags: ["artifact"] });
    expect(views[1]).toMatchObject({ seq: 8, spo2: null, etco2: null });
    // The live view (API, WebSocket, MQTT state) is the same object the store gives back.
    expect(toReadingView(reading, WITH_ETCO2)).toEqual(views[0]);
    db.close();
  });

  it("is written to InfluxDB as a field, read back into the view, and trended", () => {
    const row = { id: 1, ...toRow() };
    const point = rowToPoint(row, "gw", WITH_ETCO2);
    expect(point.fields).toMatchObject({ etco2: 38 });
    const queried = {
      ...point.tags,
      ...point.fields,
      time: new Date(Math.floor(Number(point.timestamp) / 1000)),
    };
    expect(pointToView(queried, WITH_ETCO2)).toEqual(toReadingView(reading, WITH_ETCO2));
    expect(trendQuery("db", "", WITH_ETCO2)).toContain('median("etco2") AS "etco2"');
  });
});

/** The reading as the outbox selects it from SQLite. */
function toRow(): ReadingRow<typeof WITH_ETCO2> {
  const v = toReadingView(reading, WITH_ETCO2);
  return { ...v, flags: v.flags.join(","), reasons: v.reasons.length ? JSON.stringify(v.reasons) : "" };
}
