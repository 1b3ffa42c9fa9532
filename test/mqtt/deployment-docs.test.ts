import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { decodeNodeLine } from "../../core/protocol/codec.js";
import { parseConfig } from "../../gateway/config.js";
import { verifyPassword } from "../../gateway/mqtt/password-hash.js";
import { decodeNodeStatus } from "../../gateway/mqtt/topics.js";

const doc = (name: string) => readFileSync(new URL(`../../docs/${name}`, import.meta.url), "utf8");
const blocks = (text: string, lang: string) =>
  [...text.matchAll(new RegExp(`\`\`\`${lang}\\n([\\s\\S]*?)\`\`\``, "g"))].map((m) => m[1] as string);

describe("docs/deployment.md", () => {
  const configs = blocks(doc("deployment.md"), "json").map((b) => parseConfig(JSON.parse(b)));

  it("has three config files, all valid against the gateway schema", () => {
    expect(configs.map((c) => c.mqtt.mode)).toEqual(["embedded", "embedded", "external"]);
    expect(configs[2]?.influx.enabled).toBe(true);
  });

  it("its example hashes are of the passwords it names", async () => {
    const nodes = configs[1]?.mqtt.nodes ?? [];
    expect(await verifyPassword("change-me-icu-1", nodes[0]?.passwordHash ?? "")).toBe(true);
    expect(await verifyPassword("change-me-icu-2", nodes[1]?.passwordHash ?? "")).toBe(true);
  });
});

describe("docs/mqtt.md", () => {
  it("its mosquitto_pub payloads are a valid reading and node status", () => {
    const text = doc("mqtt.md");
    const payloads = [...text.matchAll(/-m '([^']+)'/g)].map((m) => m[1] as string);
    expect(payloads.length).toBeGreaterThanOrEqual(2);
    expect(decodeNodeStatus(payloads[0] as string)).toMatchObject({ status: "online" });
    expect(decodeNodeLine(payloads[1] as string).kind).toBe("vitals");
  });
});
