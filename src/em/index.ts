export * from "./gmm1d";
