// The internal API's (tRPC) inputs and outputs, one file per domain module.

export * from "./accounts.ts";
export * from "./campaigns.ts";
export * from "./catalog.ts";
export * from "./common.ts";
export * from "./coupon-codes.ts";
export * from "./customers.ts";
export * from "./decimal.ts";
export * from "./directory.ts";
export * from "./operations.ts";
