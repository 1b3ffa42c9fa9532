import { roleMatrixMarkdown } from "../../gateway/auth/roles.js";

export const BEGIN = "<!-- role-matrix:begin (generated from gateway/auth/roles.ts: npm run docs:roles) -->";
export const END = "<!-- role-matrix:end -->";
export const SECURITY_DOC = new URL("../../docs/security.md", import.meta.url);

/** docs/security.md with its role matrix section replaced by the one generated from the table. */
export function withGeneratedMatrix(doc: string): string {
  const a = doc.indexOf(BEGIN);
  const b = doc.indexOf(END);
  if (a < 0 || b < a) throw new Error(`docs/security.md lacks the markers ${BEGIN} … ${END}`);
  return `${doc.slice(0, a + BEGIN.length)}\n${roleMatrixMarkdown()}\n${doc.slice(b)}`;
}
