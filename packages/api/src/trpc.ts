import { DomainError } from "@tally/core";
import { findUnsafe, ZAccountScopeSchema } from "@tally/schemas";
import type { ServiceCaller, ServiceDeps } from "@tally/service";
import { initTRPC } from "@trpc/server";
import { TRPC_ERROR_CODES_BY_KEY } from "@trpc/server/rpc";
import { errorDataOf, TRPC_CODE, toTrpcError } from "./errors.ts";

/** What the internal API is built from: the database and the clock (as every service). */
export type ApiDeps = ServiceDeps;

/**
 * A call's context: the service deps and who calls. `auth` holds the refusal instead of
 * throwing it, since a context that throws fails a whole batch without our error body; the
 * procedures that need a caller throw it.
 */
export interface TContext extends ApiDeps {
  auth: ServiceCaller | DomainError;
}

const t = initTRPC.context<TContext>().create({
  // Never a stack trace on the wire, whatever NODE_ENV says.
  isDev: false,
  errorFormatter({ shape, error }) {
    const data = errorDataOf(error);
    const code = data.error === "INTERNAL" ? "INTERNAL_SERVER_ERROR" : error.code;
    return {
      ...shape,
      code: TRPC_ERROR_CODES_BY_KEY[code],
      message: data.details,
      data: { ...data, code, httpStatus: shape.data.httpStatus, path: shape.data.path },
    };
  },
});

export const createRouter = t.router;
export const createCallerFactory = t.createCallerFactory;
export const mergeRouters = t.mergeRouters;

/**
 * Every procedure: a DomainError leaves as the TRPCError of its code (TRPC_CODE), and any
 * string in the input that no column could store (NUL characters, lone surrogates) is a
 * VALIDATION_FAILED before the input is parsed, as on REST. Procedures and middlewares inside
 * it simply throw DomainErrors.
 */
export const publicProcedure = t.procedure.use(async ({ next, getRawInput }) => {
  const problem = findUnsafe(await getRawInput(), "");
  if (problem) throw toTrpcError(new DomainError("VALIDATION_FAILED", problem));
  const result = await next();
  if (!result.ok && result.error.cause instanceof DomainError) {
    const cause = result.error.cause;
    if (TRPC_CODE[cause.code] !== result.error.code) throw toTrpcError(cause);
  }
  return result;
});

/** A procedure any live service token may call: `ctx.caller` is who. */
export const authedProcedure = publicProcedure.use(({ ctx, next }) => {
  if (ctx.auth instanceof DomainError) throw ctx.auth;
  return next({ ctx: { caller: ctx.auth } });
});

/** A procedure only operator-wide tokens may call (creating accounts, operator tokens). */
export const operatorProcedure = authedProcedure.use(({ ctx, next }) => {
  if (ctx.caller.accountId !== null)
    throw new DomainError("FORBIDDEN", "this procedure needs an operator-wide service token");
  return next();
});

/**
 * A procedure acting on one account, `ctx.accountId`: the input's `account_id`, which an
 * operator-wide token must give and an account's token may leave out. An account's token that
 * names another account, and any token naming an account that does not exist, get the same
 * 404 (docs/api-decisions.md#internal-api-auth): one account never learns another exists.
 */
export const accountProcedure = authedProcedure
  .input(ZAccountScopeSchema)
  .use(async ({ ctx, input, next }) => {
    const named = input.account_id;
    const own = ctx.caller.accountId;
    if (own === null && named === undefined)
      throw new DomainError(
        "VALIDATION_FAILED",
        "account_id: is required with an operator-wide token",
      );
    const accountId = named ?? own!;
    const exists =
      (own === null || own === accountId) &&
      (await ctx.db
        .selectFrom("accounts")
        .select("id")
        .where("id", "=", accountId)
        .executeTakeFirst());
    if (!exists)
      throw new DomainError(
        "NOT_FOUND",
        `account_id: account ${JSON.stringify(accountId)} not found`,
      );
    return next({ ctx: { accountId } });
  });

/** The deps a service function takes, from a call's context. */
export const serviceDeps = (ctx: ApiDeps): ApiDeps => ({
  db: ctx.db,
  now: ctx.now,
  allowPrivateWebhookUrls: ctx.allowPrivateWebhookUrls,
});
