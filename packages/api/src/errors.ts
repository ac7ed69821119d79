import { DomainError, type ErrorCode } from "@tally/core";
import { formatIssues } from "@tally/schemas";
import { TRPCError } from "@trpc/server";
import type { TRPC_ERROR_CODE_KEY } from "@trpc/server/rpc";
import { z } from "zod";

/**
 * The tRPC code of each error code (docs/internal-api.md#errors): the REST app's statuses in
 * tRPC's words, so a code answers the same HTTP status on both APIs.
 */
export const TRPC_CODE: Record<ErrorCode, TRPC_ERROR_CODE_KEY> = {
  VALIDATION_FAILED: "BAD_REQUEST",
  UNAUTHORIZED: "UNAUTHORIZED",
  FORBIDDEN: "FORBIDDEN",
  NOT_FOUND: "NOT_FOUND",
  CONFLICT: "CONFLICT",
  PAYLOAD_TOO_LARGE: "PAYLOAD_TOO_LARGE",
  UNSUPPORTED_MEDIA_TYPE: "UNSUPPORTED_MEDIA_TYPE",
  UNSUPPORTED: "UNPROCESSABLE_CONTENT",
  INSUFFICIENT_BALANCE: "UNPROCESSABLE_CONTENT",
  REDEMPTION_FAILED: "UNPROCESSABLE_CONTENT",
  CONDITION_NOT_MET: "UNPROCESSABLE_CONTENT",
  COUPON_NOT_FOUND: "NOT_FOUND",
  COUPON_EXHAUSTED: "UNPROCESSABLE_CONTENT",
  COUPON_ALREADY_REDEEMED: "UNPROCESSABLE_CONTENT",
  COUPON_EXPIRED: "UNPROCESSABLE_CONTENT",
  COUPON_NOT_STARTED: "UNPROCESSABLE_CONTENT",
  COUPON_INACTIVE: "UNPROCESSABLE_CONTENT",
  BUDGET_EXHAUSTED: "UNPROCESSABLE_CONTENT",
  GIFT_CARD_UNAVAILABLE: "UNPROCESSABLE_CONTENT",
  AMOUNT_TOO_LARGE: "UNPROCESSABLE_CONTENT",
  RECONCILIATION_MISMATCH: "UNPROCESSABLE_CONTENT",
  LIMIT_REACHED: "UNPROCESSABLE_CONTENT",
  RATE_LIMITED: "TOO_MANY_REQUESTS",
  INTERNAL: "INTERNAL_SERVER_ERROR",
};

/** What tRPC's own refusals (no such procedure, a body that is not JSON) say in our codes. */
const OWN_CODES: Partial<Record<TRPC_ERROR_CODE_KEY, ErrorCode>> = {
  PARSE_ERROR: "VALIDATION_FAILED",
  BAD_REQUEST: "VALIDATION_FAILED",
  NOT_FOUND: "NOT_FOUND",
  METHOD_NOT_SUPPORTED: "VALIDATION_FAILED",
  PAYLOAD_TOO_LARGE: "PAYLOAD_TOO_LARGE",
  UNSUPPORTED_MEDIA_TYPE: "UNSUPPORTED_MEDIA_TYPE",
};

/** The wire body of an error, in `error.data`: our code and the sentence REST would answer. */
export interface TTallyErrorData {
  error: ErrorCode;
  details: string;
  [extra: string]: unknown;
}

/** A DomainError as the TRPCError of its code, keeping the error as its cause. */
export const toTrpcError = (error: DomainError): TRPCError =>
  new TRPCError({ code: TRPC_CODE[error.code], message: error.details, cause: error });

/**
 * Our code and sentence for any error a call ends with: a DomainError's own; an input that
 * failed its schema as VALIDATION_FAILED naming every field, as REST does; tRPC's own
 * refusals in our codes; anything else INTERNAL, without internals (`id` names the log line).
 */
export function errorDataOf(error: TRPCError): TTallyErrorData {
  const cause = error.cause;
  if (cause instanceof DomainError && cause.code !== "INTERNAL")
    return { ...cause.extra, error: cause.code, details: cause.details };
  if (cause instanceof z.ZodError)
    return { error: "VALIDATION_FAILED", details: formatIssues(cause, "", "input") };
  const own = OWN_CODES[error.code];
  if (own && !(cause instanceof DomainError)) return { error: own, details: error.message };
  return { error: "INTERNAL", details: "internal error; it has been logged" };
}
