export * from "./errors";
export * from "./language";
export * from "./me";
export * from "./my-data";
export * from "./registration";
