import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { codeTableMarkdown } from "../../gateway/interop/code-table-markdown.js";

describe("docs/integration.md", () => {
  it("shows exactly the code table the messages and resources are made from", () => {
    const doc = readFileSync(new URL("../../docs/integration.md", import.meta.url), "utf8");
    const m = /<!-- codes:begin -->\n([\s\S]*?)\n<!-- codes:end -->/.exec(doc);
    expect(m?.[1]).toBe(codeTableMarkdown());
  });
});
