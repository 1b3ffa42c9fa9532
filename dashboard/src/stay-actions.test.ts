import { describe, expect, it } from "vitest";
import { admissionFromForm, StayActions } from "./stay-actions.js";

describe("admission form", () => {
  const form = { bed: " Bed-3 ", patient: " P-7 ", name: "", mrn: "", dob: "", profile: "" };
  it("keeps what was entered and leaves empty fields out", () => {
    expect(admissionFromForm(form)).toEqual({ bed: "Bed-3", patient_id: "P-7" });
    expect(
      admissionFromForm({ ...form, name: "Ada", mrn: "M1", dob: "1990-02-03", profile: "original" }),
    ).toEqual({
      bed: "Bed-3",
      patient_id: "P-7",
      name: "Ada",
      mrn: "M1",
      dob: "1990-02-03",
      profile: "original",
    });
  });
  it("says what is missing", () => {
    expect(admissionFromForm({ ...form, bed: "" })).toBe("Enter the bed");
    expect(admissionFromForm({ ...form, patient: " " })).toBe("Enter the patient id");
    expect(admissionFromForm({ ...form, dob: "3/2/1990" })).toMatch(/YYYY-MM-DD/);
  });
});

describe("stay actions", () => {
  it("posts to the stay endpoints with the user, and links the history", async () => {
    const calls: [string, RequestInit | undefined][] = [];
    const api = new StayActions("http://gw/", async (u, i) => {
      calls.push([u, i]);
      return new Response("{}", { status: 200 });
    });
    await api.transfer(4, "Bed-2");
    await api.removeBed("Bed 9");
    expect(calls.map(([u, i]) => [u, i?.body])).toEqual([
      ["http://gw/api/stays/4/transfer", JSON.stringify({ bed: "Bed-2" })],
      ["http://gw/api/beds/Bed%209/remove", JSON.stringify({})],
    ]);
    expect(api.historyLinks(4)).toEqual({
      csv: "http://gw/api/stays/4/timeline?format=csv",
      print: "http://gw/api/stays/4/print",
    });
  });
});
