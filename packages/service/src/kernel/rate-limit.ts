import { DomainError } from "@tally/core";

/** A caller's standing against a rate limit: the limit, what is left, seconds until a slot frees. */
export interface RateLimitState {
  limit: number;
  remaining: number;
  reset: number;
}

/** RATE_LIMITED, with when to retry and where the caller stands (a transport's headers). */
export class RateLimitedError extends DomainError {
  /** Seconds until a retry can succeed. */
  readonly retryAfter: number;
  readonly state: RateLimitState;
  constructor(details: string, retryAfter: number, state: RateLimitState) {
    super("RATE_LIMITED", details);
    this.retryAfter = retryAfter;
    this.state = state;
  }
}
