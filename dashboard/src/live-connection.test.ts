import { describe, expect, it } from "vitest";
import { liveUrl, parseLiveMessage } from "./live-connection.js";

describe("parseLiveMessage", () => {
  it("accepts the live message types", () => {
    expect(parseLiveMessage('{"type":"notices","notices":[]}')?.type).toBe("notices");
    expect(parseLiveMessage('{"type":"removed","beds":["Bed-1"]}')?.type).toBe("removed");
    expect(parseLiveMessage('{"type":"removed","beds":[1]}')).toBeNull();
    expect(
      parseLiveMessage('{"type":"alarm_event","event":{"type":"raised","bed":"Bed-1","at":1}}')?.type,
    ).toBe("alarm_event");
    expect(parseLiveMessage('{"type":"sound","priority":"high"}')).toEqual({
      type: "sound",
      priority: "high",
    });
    expect(parseLiveMessage('{"type":"sound","priority":null}')).toEqual({ type: "sound", priority: null });
    expect(parseLiveMessage('{"type":"snapshot","now":1,"beds":[]}')?.type).toBe("snapshot");
    expect(parseLiveMessage('{"type":"beds","now":1,"beds":[]}')?.type).toBe("beds");
    expect(parseLiveMessage('{"type":"alert","alert":{"bed":"Bed-1"}}')?.type).toBe("alert");
  });

  it("drops garbage, truncation, unknown types and binary payloads", () => {
    for (const bad of [
      "",
      "{",
      "null",
      "42",
      '{"type":"beds"}',
      '{"type":"beds","now":"x","beds":[]}',
      '{"type":"x"}',
      '{"type":"sound"}',
      '{"type":"sound","priority":"loud"}',
      '{"type":"alarm_event","event":null}',
      '{"type":"alarm_event"}',
    ]) {
      expect(parseLiveMessage(bad)).toBeNull();
    }
    expect(parseLiveMessage(new ArrayBuffer(4))).toBeNull();
  });
});

describe("liveUrl", () => {
  it("maps the page scheme to ws/wss and keeps any path prefix", () => {
    expect(liveUrl("api/live", "http://127.0.0.1:8080/")).toBe("ws://127.0.0.1:8080/api/live");
    expect(liveUrl("api/live", "https://ward.example/central/index.html")).toBe(
      "wss://ward.example/central/api/live",
    );
  });
});
