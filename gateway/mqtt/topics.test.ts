import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  decodeNodeStatus,
  encodeLevel,
  MQTT_TOPICS,
  parseTopic,
  type TopicKind,
  topicFor,
} from "./topics.js";

const kinds = Object.keys(MQTT_TOPICS) as TopicKind[];
const ids = fc.string({ minLength: 1, maxLength: 64, unit: "grapheme" });

describe("MQTT topic scheme", () => {
  it("round-trips any ward and bed id, including / + # % in them", () => {
    fc.assert(
      fc.property(ids, ids, fc.constantFrom(...kinds), (ward, bed, kind) => {
        const topic = topicFor(kind, ward, bed);
        expect(topic.split("/")).toHaveLength(4);
        expect(topic).not.toMatch(/[+#]/);
        expect(parseTopic(topic)).toEqual({ ward, bed, kind });
      }),
    );
  });

  it("never parses garbage into a topic outside the scheme", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (s) => {
        const t = parseTopic(s);
        if (t) expect(topicFor(t.kind, t.ward, t.bed)).toBeTruthy();
        if (t) expect(s.startsWith("vitals/")).toBe(true);
      }),
    );
    for (const bad of [
      "vitals/icu/Bed-1",
      "vitals/icu/Bed-1/reading/x",
      "other/icu/b/reading",
      "vitals/+/b/reading",
      "vitals/icu/b/#",
      "vitals/%E0%A4%A/b/state",
      "vitals//b/state",
      "vitals/icu/b/constructor",
    ]) {
      expect(parseTopic(bad), bad).toBeUndefined();
    }
  });

  it("encodes reserved characters so a level is never a wildcard or a separator", () => {
    expect(encodeLevel("ICU/3+#%")).toBe("ICU%2F3%2B%23%25");
  });

  it("decodes node status payloads: JSON or a bare word; anything else is undefined", () => {
    expect(decodeNodeStatus("offline")).toEqual({ status: "offline" });
    expect(decodeNodeStatus(Buffer.from(" online\n"))).toEqual({ status: "online" });
    expect(decodeNodeStatus('{"status":"online","patient":"P1","fw":"2.1"}')).toEqual({
      status: "online",
      patient: "P1",
      fw: "2.1",
    });
    for (const bad of ["", "{", "null", '{"status":"maybe"}', '{"status":"online","patient":""}', "[1]"]) {
      expect(decodeNodeStatus(bad), bad).toBeUndefined();
    }
    fc.assert(
      fc.property(fc.string(), (s) => {
        const d = decodeNodeStatus(s);
        if (d) expect(["online", "offline"]).toContain(d.status);
      }),
    );
  });
});
