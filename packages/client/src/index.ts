import type { AppRouter, TTallyErrorData } from "@tally/api";
import { createTRPCClient, httpBatchLink, TRPCClientError } from "@trpc/client";

export type { AppRouter } from "@tally/api";

export interface TallyClientOptions {
  /** Where the internal API is served, e.g. `http://localhost:3001/trpc`. */
  url: string;
  /** A service token (account-scoped or operator-wide). */
  token: string;
  /** A fetch of your own (tests, proxies); the global one by default. */
  fetch?: typeof fetch;
}

/**
 * A typed client of Tally's internal API: `client.accounts.get.query({ account_id })`.
 * Calls made in the same tick travel in one HTTP request. Decimals arrive as strings.
 */
export function createTallyClient(opts: TallyClientOptions) {
  return createTRPCClient<AppRouter>({
    links: [
      httpBatchLink({
        url: opts.url,
        headers: { authorization: `Bearer ${opts.token}` },
        ...(opts.fetch ? { fetch: opts.fetch } : {}),
      }),
    ],
  });
}

export type TallyClient = ReturnType<typeof createTallyClient>;

/** `{error, details}` of a refused call (the same code and sentence REST answers), else undefined. */
export function tallyErrorOf(err: unknown): TTallyErrorData | undefined {
  if (!(err instanceof TRPCClientError)) return undefined;
  const data = (err as TRPCClientError<AppRouter>).data as Partial<TTallyErrorData> | undefined;
  if (!data || typeof data.error !== "string" || typeof data.details !== "string") return undefined;
  const {
    code: _c,
    httpStatus: _h,
    path: _p,
    stack: _s,
    ...body
  } = data as Record<string, unknown>;
  return body as TTallyErrorData;
}
