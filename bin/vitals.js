#!/usr/bin/env node
// Runs the TypeScript CLI directly through tsx's loader: no build step for the Node side.
import { register } from "tsx/esm/api";

register();
await import("../cli/main.ts");
