import type { Express } from "express";
import { beforeAll, beforeEach } from "vitest";
import { createApp } from "../src/app.ts";
import { client, newTenant, type Tenant, type TestContext } from "./helpers.ts";

/** What the app logged: each `logger.error(message, error)` call. */
export interface Logged {
  message: string;
  error: unknown;
}

/**
 * A second app on the test file's database whose logger writes into `logged` (emptied before each
 * test), and `tenant()`: a fresh tenant whose clients call that app.
 */
export function useLoggedApp(ctx: TestContext) {
  const logged: Logged[] = [];
  let app: Express;
  beforeAll(() => {
    app = createApp({
      ...ctx.deps,
      jwtSecret: ctx.jwtSecret,
      migrationRateLimit: null,
      logger: { error: (message, error) => logged.push({ message, error }), info: () => {} },
    });
  });
  beforeEach(() => {
    logged.length = 0;
  });
  return {
    logged,
    app: () => app,
    async tenant(): Promise<Tenant> {
      const t = await newTenant(ctx);
      return { ...t, server: client(app, t.server.token), client: client(app, t.client.token) };
    },
  };
}
