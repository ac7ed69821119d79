export { createContext, operatorContext } from "./context.ts";
export { errorDataOf, TRPC_CODE, type TTallyErrorData } from "./errors.ts";
export { createInternalHandler, INTERNAL_PATH, type InternalHandlerDeps } from "./handler.ts";
export { type AppRouter, appRouter, createCaller } from "./root.ts";
export type { ApiDeps, TContext } from "./trpc.ts";
