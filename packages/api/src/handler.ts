import { createExpressMiddleware } from "@trpc/server/adapters/express";
import express, { type Express } from "express";
import { createContext } from "./context.ts";
import { errorDataOf } from "./errors.ts";
import { appRouter } from "./root.ts";
import type { ApiDeps } from "./trpc.ts";

/** Where the internal API is served. */
export const INTERNAL_PATH = "/trpc";
/** Largest body a call may send, as on REST. */
const MAX_BODY_BYTES = 1024 * 1024;

export interface InternalHandlerDeps extends ApiDeps {
  logger?: { error(message: string, error?: unknown): void };
}

/**
 * The internal API as an HTTP handler, `/trpc` (Express): any host serves it, the internal
 * app on its own or `pnpm start` beside the REST app. Answers carry no-store and nosniff, as
 * REST's do (they hold tokens); a bug is logged and answered without internals.
 */
export function createInternalHandler(deps: InternalHandlerDeps): Express {
  const app = express();
  app.disable("x-powered-by");
  app.use((_req, res, next) => {
    res.set({ "X-Content-Type-Options": "nosniff", "Cache-Control": "no-store" });
    next();
  });
  app.use(
    INTERNAL_PATH,
    createExpressMiddleware({
      router: appRouter,
      createContext: createContext(deps),
      maxBodySize: MAX_BODY_BYTES,
      onError({ error, path }) {
        if (errorDataOf(error).error === "INTERNAL")
          (deps.logger ?? console).error(`unhandled error (internal API ${path ?? "?"})`, error);
      },
    }),
  );
  app.use((req, res) => {
    res.status(404).json({ error: "NOT_FOUND", details: `no route ${req.method} ${req.path}` });
  });
  return app;
}
