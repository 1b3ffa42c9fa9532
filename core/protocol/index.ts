export * from "./codec.js";
export * from "./frames.js";
export * from "./label.js";
export * from "./line-splitter.js";
export * from "./plausibility.js";
