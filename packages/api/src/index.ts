export { createContext, operatorContext } from "./context.ts";
export { TRPC_CODE, type TTallyErrorData, tallyErrorOf as errorDataOf } from "./errors.ts";
export { createInternalHandler, INTERNAL_PATH, type InternalHandlerDeps } from "./handler.ts";
export { type AppRouter, appRouter, createCaller } from "./root.ts";
export type { ApiDeps, TContext } from "./trpc.ts";
