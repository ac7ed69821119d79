// The harness of the internal API's tests; every router's test file uses it:
//
//   const h = useInternalApi();                       // per file: a database, the app on a port
//   const client = h.client(h.operatorToken);         // typed client, an operator-wide token
//   const { accountId, token } = await h.newAccount(); // an account and a token of its own
//   await expectTallyError(client.accounts.get.query({ account_id: "…" }), "NOT_FOUND");
//
// The app runs on a real port (0: any free one) over the test database of @tally/db/testing
// (PGlite, or PostgreSQL when DATABASE_URL is set), and calls go over HTTP through
// @tally/client, as another service's would.
import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createInternalHandler, INTERNAL_PATH } from "@tally/api";
import { createTallyClient, type TallyClient, tallyErrorOf } from "@tally/client";
import { createTestDatabase, type TestDatabase } from "@tally/db/testing";
import { createAccount, createServiceToken } from "@tally/service";
import { afterAll, beforeAll, expect } from "vitest";

/** A controllable clock: real time unless a test moves it. */
export function testClock() {
  let offsetMs = 0;
  return {
    now: () => new Date(Date.now() + offsetMs),
    advance: (ms: number) => {
      offsetMs += ms;
    },
    reset: () => {
      offsetMs = 0;
    },
  };
}

export interface InternalApiHarness {
  t: TestDatabase;
  clock: ReturnType<typeof testClock>;
  deps: { db: TestDatabase["db"]; now: () => Date };
  /** `http://127.0.0.1:<port>/trpc` */
  url: string;
  /** An operator-wide token made for this file. */
  operatorToken: string;
  /** A typed client calling with `token`. */
  client(token: string): TallyClient;
  /** A new account with a service token of its own and a client using it. */
  newAccount(): Promise<{ accountId: string; token: string; client: TallyClient }>;
}

/** Per test file: one database, the internal app on a real port, closed and dropped after. */
export function useInternalApi(): InternalApiHarness {
  const h = {} as InternalApiHarness;
  let server: Server;
  beforeAll(async () => {
    const t = await createTestDatabase();
    const clock = testClock();
    const deps = { db: t.db, now: clock.now };
    server = createServer(
      createInternalHandler({ ...deps, logger: { error: (m, e) => console.error(m, e) } }),
    );
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${INTERNAL_PATH}`;
    const operator = await createServiceToken(t.db, { accountId: null, name: "tests" });
    const client = (token: string) => createTallyClient({ url, token });
    Object.assign(h, {
      t,
      clock,
      deps,
      url,
      operatorToken: operator.token,
      client,
      async newAccount() {
        const { id: accountId } = await createAccount(t.db, { name: `test-${randomUUID()}` });
        const { token } = await createServiceToken(t.db, { accountId, name: "tests" });
        return { accountId, token, client: client(token) };
      },
    } satisfies InternalApiHarness);
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await h.t.destroy();
  });
  return h;
}

/** Awaits a call that must be refused with `code` (and a details sentence matching `details`). */
export async function expectTallyError(
  call: Promise<unknown>,
  code: string,
  details?: string | RegExp,
): Promise<{ error: string; details: string }> {
  const err = await call.then(
    () => expect.fail(`expected ${code}, the call succeeded`),
    (e: unknown) => e,
  );
  const body = tallyErrorOf(err);
  expect(body, String(err)).toBeDefined();
  expect(body!.error).toBe(code);
  if (details !== undefined) expect(body!.details).toMatch(details);
  return body!;
}
