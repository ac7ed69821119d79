/**
 * Stable error codes of the wire contract (docs/api-decisions.md#wire-conventions-and-errors).
 * Transports map each code to their own status (the REST app's HTTP statuses, the internal
 * API's tRPC codes); the engine knows only the codes.
 */
export const ERROR_CODES = {
  /** Malformed or invalid input: wrong type, missing field, bad enum, bad date. */
  VALIDATION_FAILED: true,
  /** Missing, bad or expired credentials. */
  UNAUTHORIZED: true,
  /** Authenticated, but this key kind or consent does not allow the action. */
  FORBIDDEN: true,
  /** No such resource in this account (also what another account's resource looks like). */
  NOT_FOUND: true,
  /** Duplicate id, idempotency-key reuse with another body, or an illegal state change. */
  CONFLICT: true,
  /** Body over the size limit. */
  PAYLOAD_TOO_LARGE: true,
  /** A body sent without a JSON Content-Type. */
  UNSUPPORTED_MEDIA_TYPE: true,
  /** Well-formed, but the request asks for something the engine does not do (yet). */
  UNSUPPORTED: true,
  /** The wallet cannot cover the amount asked. */
  INSUFFICIENT_BALANCE: true,
  /** Redeem items of an event failed for several reasons (details lists each item). */
  REDEMPTION_FAILED: true,
  /** A reward, coupon or campaign condition does not hold. */
  CONDITION_NOT_MET: true,
  /** No coupon with that code in this account. */
  COUPON_NOT_FOUND: true,
  /** The coupon's uses or its campaign's quantity are used up. */
  COUPON_EXHAUSTED: true,
  /** This customer has already redeemed this coupon code. */
  COUPON_ALREADY_REDEEMED: true,
  /** The coupon's campaign has ended. */
  COUPON_EXPIRED: true,
  /** The coupon's campaign has not started yet. */
  COUPON_NOT_STARTED: true,
  /** The coupon's campaign is paused (stored status INACTIVE). */
  COUPON_INACTIVE: true,
  /** The campaign's budget cannot cover what the action would credit. */
  BUDGET_EXHAUSTED: true,
  /** A GIFT_CARD reward's pool has no unused code left for what the action would give. */
  GIFT_CARD_UNAVAILABLE: true,
  /** What an event would credit from one campaign exceeds what one credit holds (10^12). */
  AMOUNT_TOO_LARGE: true,
  /** Migrated transactions do not add up to the customer's migrated balance of a reward. */
  RECONCILIATION_MISMATCH: true,
  /** The account has as many of this kind as it may (200 brands, 1,000 stores, 50 channels …). */
  LIMIT_REACHED: true,
  /** Too many requests; see Retry-After. */
  RATE_LIMITED: true,
  /** A bug. The body never carries internals. */
  INTERNAL: true,
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/** The codes of a well-formed request that a business rule refused (the request ran). */
const RULE_REFUSALS: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  "UNSUPPORTED",
  "INSUFFICIENT_BALANCE",
  "REDEMPTION_FAILED",
  "CONDITION_NOT_MET",
  "COUPON_EXHAUSTED",
  "COUPON_ALREADY_REDEEMED",
  "COUPON_EXPIRED",
  "COUPON_NOT_STARTED",
  "COUPON_INACTIVE",
  "BUDGET_EXHAUSTED",
  "GIFT_CARD_UNAVAILABLE",
  "AMOUNT_TOO_LARGE",
  "RECONCILIATION_MISMATCH",
  "LIMIT_REACHED",
]);

/** Whether `error` is a business rule's refusal of a well-formed request. */
export const isRuleRefusal = (error: unknown): error is DomainError =>
  error instanceof DomainError && RULE_REFUSALS.has(error.code);

/**
 * The one error type of Tally: a stable code plus a sentence naming the offending field(s);
 * `extra` holds further answer fields some codes carry (e.g. `requirement` on CONDITION_NOT_MET).
 */
export class DomainError extends Error {
  readonly code: ErrorCode;
  readonly details: string;
  /** Extra wire fields beside error and details (e.g. a failed condition's `requirement`). */
  readonly extra: Record<string, unknown> | undefined;
  constructor(code: ErrorCode, details: string, opts: { extra?: Record<string, unknown> } = {}) {
    super(`${code}: ${details}`);
    this.name = "DomainError";
    this.code = code;
    this.details = details;
    this.extra = opts.extra;
  }
}

/** Shorthand for the common not-found answer. */
export const notFound = (what: string, id: string): DomainError =>
  new DomainError("NOT_FOUND", `${what} ${JSON.stringify(id)} not found`);
