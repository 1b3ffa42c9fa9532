// `npm run docs:roles`: regenerates the role matrix in docs/security.md from gateway/auth/roles.ts.
import { readFileSync, writeFileSync } from "node:fs";
import { SECURITY_DOC, withGeneratedMatrix } from "./role-matrix-doc.js";

writeFileSync(SECURITY_DOC, withGeneratedMatrix(readFileSync(SECURITY_DOC, "utf8")));
