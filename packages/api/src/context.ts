import { DomainError } from "@tally/core";
import { verifyServiceToken } from "@tally/service";
import type { ApiDeps, TContext } from "./trpc.ts";

/**
 * The context of one HTTP call: the caller behind its `Authorization: Bearer <service token>`
 * header, or the 401 to answer (kept, not thrown: see TContext).
 */
export function createContext(deps: ApiDeps) {
  return async ({ req }: { req: { headers: { authorization?: string | undefined } } }) => {
    const auth = await verifyServiceToken(deps.db, req.headers.authorization).catch(
      (error: unknown) => {
        if (error instanceof DomainError) return error;
        throw error;
      },
    );
    return {
      db: deps.db,
      now: deps.now,
      allowPrivateWebhookUrls: deps.allowPrivateWebhookUrls,
      auth,
    } satisfies TContext;
  };
}

/**
 * The context of an in-process call made with an operator's rights (`pnpm admin` on a
 * database it holds itself): no token, since the caller already holds the database.
 */
export const operatorContext = (deps: ApiDeps): TContext => ({
  db: deps.db,
  now: deps.now,
  allowPrivateWebhookUrls: deps.allowPrivateWebhookUrls,
  auth: { tokenId: "in-process", accountId: null },
});
