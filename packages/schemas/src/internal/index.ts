// The internal API's (tRPC) inputs and outputs, one file per domain module.

export * from "./accounts.ts";
export * from "./common.ts";
export * from "./directory.ts";
