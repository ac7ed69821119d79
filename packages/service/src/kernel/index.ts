export {
  type BulkColumn,
  EVENT_COLUMNS,
  insertRows,
  insertRowsSql,
  LINE_COLUMNS,
  selectRows,
  TRANSACTION_COLUMNS,
} from "./bulk-sql.ts";
export { canonical, canonicalHash, sha256Hex } from "./canonical.ts";
export { beforeCommit, inTransaction } from "./commit-hooks.ts";
export { compiledOnce } from "./compiled-once.ts";
export {
  type Executor,
  newId,
  type Principal,
  pgCode,
  retryTransient,
  type ServiceDeps,
  TRANSIENT_PG_CODES,
  transact,
} from "./deps.ts";
export {
  campaignFacts,
  customerFacts,
  type EventPayload,
  eventFacts,
  refereeFacts,
  rewardFacts,
  tierFacts,
} from "./facts.ts";
export {
  beginIdempotent,
  CLAIM_RENEW_MS,
  completeIdempotent,
  type IdempotencyStart,
  renewIdempotent,
  requestHash,
  type SweepIdempotencyKeysResult,
  sweepIdempotencyKeys,
} from "./idempotency.ts";
export {
  type Answer,
  currentClaim,
  type IdempotencyClaim,
  runUnderClaim,
} from "./idempotency-claim.ts";
export { type CursorPage, cursorPageOf, listPage, pageOf, uuidCursor } from "./paging.ts";
export { RateLimitedError, type RateLimitState } from "./rate-limit.ts";
export { parseOrThrow } from "./validation.ts";
export { iso, obj } from "./wire.ts";
