export * from "./iwae";
