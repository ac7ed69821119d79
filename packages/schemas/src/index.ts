export * from "./catalog.ts";
export * from "./common.ts";
export * from "./customer.ts";
export * from "./event.ts";
export * from "./event-type.ts";
export * from "./format.ts";
export * from "./order.ts";
export * from "./responses.ts";
