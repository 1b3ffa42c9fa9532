import { afterEach, describe, expect, it } from "vitest";
import type {
  AlarmsResponse,
  BedsResponse,
  ReadingsResponse,
  StayTimelineResponse,
  StayView,
} from "../../core/api-types.js";
import { connectNode, startTestGateway, type TestGateway, type TestNode } from "../harness/gateway.js";
import { vitals } from "../support/frames.js";

let gw: TestGateway;
afterEach(async () => {
  await gw?.stop();
});

const tokens = new Map<string, string>();
function tokenFor(name: string): string {
  const key = `${gw.url} ${name}`;
  let t = tokens.get(key);
  if (t === undefined) {
    t = gw.token("charge", name);
    tokens.set(key, t);
  }
  return t;
}

async function call<T = Record<string, unknown>>(
  method: string,
  path: string,
  body?: object,
): Promise<{ status: number; body: T }> {
  // A typed `user` carries no authority: the action is the signed-in one's, here a token of that name.
  const who = (body as { user?: string } | undefined)?.user;
  const auth: Record<string, string> = who ? { authorization: `Bearer ${tokenFor(who)}` } : {};
  const r = await fetch(`${gw.url}${path}`, {
    method,
    headers: { ...auth, ...(body ? { "content-type": "application/json" } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const text = await r.text();
  return {
    status: r.status,
    body: (r.headers.get("content-type")?.includes("json") ? JSON.parse(text) : text) as T,
  };
}
const beds = async () => (await call<BedsResponse>("GET", "/api/beds")).body.beds;
const bed = async (b: string) => (await beds()).find((x) => x.bed === b);
const alarms = async () => (await call<AlarmsResponse>("GET", "/api/alarms")).body.alarms;
const events = (b: string) =>
  (
    gw.gateway.store.db
      .prepare("SELECT type, kind, reason, user FROM alarm_events WHERE bed = ? ORDER BY id")
      .all(b) as { type: string; kind: string; reason: string | null; user: string | null }[]
  ).map((e) => `${e.type}:${e.kind}${e.reason ? `:${e.reason}` : ""}${e.user ? `:${e.user}` : ""}`);

let seq = 0;
async function send(n: TestNode, v: Record<string, unknown>) {
  n.send(vitals(++seq, v));
  await n.waitAck(seq);
}

describe("the patient's stay", () => {
  it("admit → alarm → acknowledge → transfer → standby → discharge, every action recorded with its user", async () => {
    gw = await startTestGateway({ config: { alarms: { silentHeartbeats: 1_000 } } });
    seq = 0;
    const admitted = await call<StayView>("POST", "/api/stays", {
      user: "nurse.kim",
      bed: "Bed-1",
      patient_id: "P-1",
      name: "Ada Lovelace",
      mrn: "MRN-0001",
      dob: "1815-12-10",
      profile: "original",
    });
    expect(admitted.status).toBe(201);
    const stay = admitted.body;
    expect(stay).toMatchObject({
      patient_id: "P-1",
      bed: "Bed-1",
      state: "admitted",
      admitted_by: "token:nurse.kim",
    });
    // Known without any node: admitted.
    expect(await bed("Bed-1")).toMatchObject({ patient: "P-1", stay: { id: stay.id }, status: "UNKNOWN" });
    expect((await call("POST", "/api/stays", { user: "x", bed: "Bed-1", patient_id: "P-2" })).status).toBe(
      409,
    );
    expect((await call("POST", "/api/stays", { user: "x", bed: "Bed-3", patient_id: "P-1" })).status).toBe(
      409,
    );
    expect(
      (await call("POST", "/api/stays", { user: "x", bed: "Bed-3", patient_id: "P-3", profile: "nope" }))
        .status,
    ).toBe(400);
    // No typed user is needed any more: the signed-in one is recorded (actorOf).

    // A node claiming another patient is a technical alarm, not a silent reset.
    const wrong = await connectNode(gw.tcpPort, { node: "n1", bed: "Bed-1", patient: "P-9" });
    await expect.poll(async () => (await alarms()).map((a) => a.kind)).toEqual(["patient_mismatch"]);
    expect((await bed("Bed-1"))?.patient).toBe("P-1");
    wrong.close();
    await wrong.closed;
    const n1 = await connectNode(gw.tcpPort, { node: "n1", bed: "Bed-1", patient: "P-1" });
    await expect.poll(async () => (await alarms()).map((a) => a.kind)).not.toContain("patient_mismatch");

    // The profile chosen at admission: the original thresholds, an alarm at once.
    await send(n1, { spo2: 90 });
    const [spo2] = (await alarms()).filter((a) => a.kind === "physiological");
    expect(spo2).toMatchObject({ bed: "Bed-1", parameter: "spo2", priority: "medium" });
    expect(
      (await call("POST", `/api/alarms/${encodeURIComponent(spo2?.id as string)}/ack`, { user: "nurse.kim" }))
        .status,
    ).toBe(200);

    // Transfer: the patient (and limits) move to Bed-2; Bed-1's alarms close as transferred.
    const moved = await call<StayView>("POST", `/api/stays/${stay.id}/transfer`, {
      user: "dr.ade",
      bed: "Bed-2",
    });
    expect(moved.status).toBe(200);
    expect(moved.body.beds.map((b) => b.bed)).toEqual(["Bed-1", "Bed-2"]);
    expect(events("Bed-1")).toContain("cleared:physiological:transferred:token:dr.ade");
    expect((await call<{ profile: string }>("GET", "/api/beds/Bed-2/limits")).body.profile).toBe("original");
    expect((await bed("Bed-1"))?.stay).toBeNull();
    n1.close();
    const n2 = await connectNode(gw.tcpPort, { node: "n2", bed: "Bed-2", patient: "P-1" });
    await send(n2, { hr: 120 });
    expect((await alarms()).filter((a) => a.bed === "Bed-2").map((a) => a.parameter)).toEqual(["hr"]);

    // Standby: no alarms, the tile says so; readings are still stored.
    const standby = await call<StayView>("POST", `/api/stays/${stay.id}/standby`, {
      user: "nurse.kim",
      on: true,
    });
    expect(standby.body).toMatchObject({ state: "standby", standby_since: expect.any(Number) });
    expect((await alarms()).filter((a) => a.bed === "Bed-2")).toEqual([]);
    await send(n2, { hr: 130, spo2: 80 });
    expect((await alarms()).filter((a) => a.bed === "Bed-2")).toEqual([]);
    expect(await bed("Bed-2")).toMatchObject({ status: "UNKNOWN", stay: { state: "standby" } });
    await call("POST", `/api/stays/${stay.id}/standby`, { user: "nurse.kim", on: false });
    await send(n2, { hr: 130 });
    expect((await alarms()).filter((a) => a.bed === "Bed-2").map((a) => a.parameter)).toEqual(["hr"]);

    // Discharge: its alarms close (discharged), the bed frees, the data stays queryable.
    const out = await call<StayView>("POST", `/api/stays/${stay.id}/discharge`, { user: "dr.ade" });
    expect(out.body).toMatchObject({ state: "discharged", bed: null, discharged_by: "token:dr.ade" });
    expect(events("Bed-2").at(-1)).toBe("cleared:physiological:discharged:token:dr.ade");
    expect((await bed("Bed-2"))?.stay).toBeNull(); // still known: its node is connected (open mode)
    expect((await call("POST", `/api/stays/${stay.id}/discharge`, { user: "dr.ade" })).status).toBe(404);
    const found = await call<{ stays: StayView[] }>("GET", "/api/stays?patient=P-1");
    expect(found.body.stays.map((s) => s.id)).toEqual([stay.id]);

    const timeline = (await call<StayTimelineResponse>("GET", `/api/stays/${stay.id}/timeline`)).body;
    const types = new Set(timeline.entries.map((e) => e.type));
    expect([...types].sort()).toEqual(["alarm", "limits", "reading", "stay"]);
    expect(timeline.entries.filter((e) => e.type === "reading").map((e) => e.bed)).toEqual([
      "Bed-1",
      "Bed-2",
      "Bed-2",
      "Bed-2",
    ]);
    expect(timeline.entries.filter((e) => e.type === "stay").map((e) => e.text)).toEqual([
      "admit patient P-1, profile original by token:nurse.kim",
      "transfer from Bed-1 to Bed-2 by token:dr.ade",
      "standby by token:nurse.kim",
      "resume by token:nurse.kim",
      "discharge by token:dr.ade",
    ]);
    expect(
      timeline.entries.some(
        (e) => e.type === "alarm" && /^acknowledged MEDIUM SpO2 90 % by token:nurse\.kim$/.test(e.text),
      ),
    ).toBe(true);
    const csv = await call<string>("GET", `/api/stays/${stay.id}/timeline?format=csv`);
    expect(csv.body.split("\r\n")[1]).toBe("time,at,bed,type,text,user,hr,spo2,temp,rr,sbp,status");
    expect(csv.body).toContain(",Bed-1,reading,");
    const print = await call<string>("GET", `/api/stays/${stay.id}/print`);
    expect(print.body).toContain("<h1>Stay 1 — patient P-1</h1>");
    expect(print.body).toContain("MRN-0001");
    // The readings themselves are untouched.
    expect((await call<ReadingsResponse>("GET", "/api/readings?bed=Bed-2")).body.readings).toHaveLength(3);
    n2.close();
  });

  it("removing an unknown or leftover bed is a discharge of nobody", async () => {
    gw = await startTestGateway({ config: { alarms: { delayMs: { spo2: 0 } } } });
    seq = 0;
    const n = await connectNode(gw.tcpPort, { node: "n9", bed: "Bed-9" });
    await send(n, { spo2: 80 });
    n.close();
    await n.closed;
    await expect
      .poll(async () => (await alarms()).map((a) => a.kind).sort())
      .toEqual(["disconnected", "physiological"]);
    const r = await call("POST", "/api/beds/Bed-9/remove", { user: "nurse.kim" });
    expect(r).toMatchObject({ status: 200, body: { bed: "Bed-9", discharged: null } });
    expect(await bed("Bed-9")).toBeUndefined();
    expect(await alarms()).toEqual([]);
    expect(events("Bed-9").filter((e) => e.startsWith("cleared"))).toEqual([
      "cleared:physiological:discharged:token:nurse.kim",
      "cleared:disconnected:discharged:token:nurse.kim",
    ]);
    const row = gw.gateway.store.db.prepare("SELECT stay, user, action, bed FROM stay_events").all();
    expect(row).toEqual([{ stay: null, user: "token:nurse.kim", action: "remove_bed", bed: "Bed-9" }]);
    // Gone after a restart too; the readings stay.
    const dataDir = gw.dataDir;
    await gw.stop({ keepData: true });
    gw = await startTestGateway({ dataDir });
    expect(await beds()).toEqual([]);
    expect((await call<ReadingsResponse>("GET", "/api/readings?bed=Bed-9")).body.readings).toHaveLength(1);
  });

  it("stays survive a restart, with standby", async () => {
    gw = await startTestGateway();
    const a = await call<StayView>("POST", "/api/stays", { user: "kim", bed: "Bed-4", patient_id: "P-4" });
    await call("POST", `/api/stays/${a.body.id}/standby`, { user: "kim", on: true });
    const dataDir = gw.dataDir;
    await gw.stop({ keepData: true });
    gw = await startTestGateway({ dataDir });
    expect(await bed("Bed-4")).toMatchObject({ patient: "P-4", stay: { id: a.body.id, state: "standby" } });
    expect((await call("GET", "/api/stays/999")).status).toBe(404);
  });
});
