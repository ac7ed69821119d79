/** Stable error codes of the wire contract (decisions.md §2), each with its HTTP status and tRPC code. */
export const ERROR_CODES = {
  /** Malformed or invalid input: wrong type, missing field, bad enum, bad date. */
  VALIDATION_FAILED: { status: 400, trpc: "BAD_REQUEST" },
  /** Missing, bad or expired credentials. */
  UNAUTHORIZED: { status: 401, trpc: "UNAUTHORIZED" },
  /** Authenticated, but this key kind or consent does not allow the action. */
  FORBIDDEN: { status: 403, trpc: "FORBIDDEN" },
  /** No such resource in this account (also what another account's resource looks like). */
  NOT_FOUND: { status: 404, trpc: "NOT_FOUND" },
  /** Duplicate id, idempotency-key reuse with another body, or an illegal state change. */
  CONFLICT: { status: 409, trpc: "CONFLICT" },
  /** Body over the size limit. */
  PAYLOAD_TOO_LARGE: { status: 413, trpc: "PAYLOAD_TOO_LARGE" },
  /** Well-formed, but the request asks for something the engine does not do (yet). */
  UNSUPPORTED: { status: 422, trpc: "UNPROCESSABLE_CONTENT" },
  /** The wallet cannot cover the amount asked. */
  INSUFFICIENT_BALANCE: { status: 422, trpc: "UNPROCESSABLE_CONTENT" },
  /** Redeem items of an event failed for several reasons (details lists each item). */
  REDEMPTION_FAILED: { status: 422, trpc: "UNPROCESSABLE_CONTENT" },
  /** A reward, coupon or campaign condition does not hold. */
  CONDITION_NOT_MET: { status: 422, trpc: "UNPROCESSABLE_CONTENT" },
  /** No coupon with that code in this account. */
  COUPON_NOT_FOUND: { status: 404, trpc: "NOT_FOUND" },
  /** The coupon's uses or its campaign's quantity are used up. */
  COUPON_EXHAUSTED: { status: 422, trpc: "UNPROCESSABLE_CONTENT" },
  /** This customer has already redeemed this coupon code. */
  COUPON_ALREADY_REDEEMED: { status: 422, trpc: "UNPROCESSABLE_CONTENT" },
  /** The coupon's campaign has ended. */
  COUPON_EXPIRED: { status: 422, trpc: "UNPROCESSABLE_CONTENT" },
  /** The coupon's campaign has not started yet. */
  COUPON_NOT_STARTED: { status: 422, trpc: "UNPROCESSABLE_CONTENT" },
  /** The coupon's campaign is paused (stored status INACTIVE). */
  COUPON_INACTIVE: { status: 422, trpc: "UNPROCESSABLE_CONTENT" },
  /** The campaign's budget cannot cover what the action would credit. */
  BUDGET_EXHAUSTED: { status: 422, trpc: "UNPROCESSABLE_CONTENT" },
  /** A GIFT_CARD reward's pool has no unused code left for what the action would give. */
  GIFT_CARD_UNAVAILABLE: { status: 422, trpc: "UNPROCESSABLE_CONTENT" },
  /** What an event would credit from one campaign exceeds what one credit holds (10^12). */
  AMOUNT_TOO_LARGE: { status: 422, trpc: "UNPROCESSABLE_CONTENT" },
  /** Migrated transactions do not add up to the customer's migrated balance of a reward. */
  RECONCILIATION_MISMATCH: { status: 422, trpc: "UNPROCESSABLE_CONTENT" },
  /** Too many requests; see Retry-After. */
  RATE_LIMITED: { status: 429, trpc: "TOO_MANY_REQUESTS" },
  /** A bug. The body never carries internals. */
  INTERNAL: { status: 500, trpc: "INTERNAL_SERVER_ERROR" },
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/** A caller's standing against a rate limit: the limit, what is left, seconds until a slot frees. */
export interface RateLimitState {
  limit: number;
  remaining: number;
  reset: number;
}

/**
 * The one error type of Tally: a stable code plus a sentence naming the offending field(s);
 * `extra` holds further answer fields some codes carry (e.g. `requirement` on CONDITION_NOT_MET).
 */
export class DomainError extends Error {
  readonly code: ErrorCode;
  readonly details: string;
  /** RATE_LIMITED: seconds until a retry can succeed (the transport's Retry-After). */
  readonly retryAfter: number | undefined;
  /** RATE_LIMITED: where the caller stands against the limit (the transport's X-RateLimit-*). */
  readonly rateLimit: RateLimitState | undefined;
  /** Extra wire fields beside error and details (e.g. a failed condition's `requirement`). */
  readonly extra: Record<string, unknown> | undefined;
  constructor(
    code: ErrorCode,
    details: string,
    opts: {
      retryAfter?: number;
      rateLimit?: RateLimitState;
      extra?: Record<string, unknown>;
    } = {},
  ) {
    super(`${code}: ${details}`);
    this.name = "DomainError";
    this.code = code;
    this.details = details;
    this.retryAfter = opts.retryAfter;
    this.rateLimit = opts.rateLimit;
    this.extra = opts.extra;
  }
  get status(): number {
    return ERROR_CODES[this.code].status;
  }
}

/** Shorthand for the common not-found answer. */
export const notFound = (what: string, id: string): DomainError =>
  new DomainError("NOT_FOUND", `${what} ${JSON.stringify(id)} not found`);
