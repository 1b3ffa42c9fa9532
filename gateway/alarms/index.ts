export * from "../../core/burst-pattern.js";
export * from "./alarm-config.js";
export * from "./alarm-engine.js";
export type { BedLimits, LimitChange, LimitOverrides } from "./limit-overrides.js";
export * from "./news2.js";
export * from "./types.js";
export * from "./wav-renderer.js";
