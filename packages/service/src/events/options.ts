import type { Database } from "@tally/db";
import type { TWalletLine } from "@tally/schemas";
import type { Insertable, Selectable } from "kysely";
import type { Catalog } from "../catalog/index.ts";
import type { EventPayload } from "../kernel/index.ts";

type CustomerRow = Selectable<Database["customers"]>;

/** How long an unfulfilled event holds its units when it names no `reserve`. */
export const DEFAULT_RESERVE_DAYS = 1;

/** What processEvent is told about one event (the spending side fills in its part). */
export interface ProcessOptions {
  accountId: string;
  /** The customer, read after its wallet row was locked (or created in this transaction). */
  customer: CustomerRow;
  walletId: string;
  catalog: Catalog;
  payload: EventPayload;
  now: Date;
  source: "API" | "SYSTEM" | "MIGRATION" | "COUPON";
  issuedAt?: Date;
  purchaseId?: string | null;
  payloadHash?: string;
  /** The event's id when the caller needed it first (redemption records name it). */
  eventId?: string;
  /** An unfulfilled event: stored PENDING until `expiresAt`; nothing is credited yet. */
  pending?: { expiresAt: Date };
  /** Fulfilling a stored PENDING/EXPIRED event: its row is updated, not inserted. */
  existing?: boolean;
  /** What the event's redeem arrays spent: its REDEMPTION records and the payload to store. */
  redemption?: {
    /** The lots drawn (spent, or held when pending), as the result's `redemptions` shows them. */
    lines: TWalletLine[];
    /** Its REDEMPTION transactions (none while the units are only held). */
    transactions: Insertable<Database["transactions"]>[];
    /** The order echoed with its redemptions_result (shown as the result's `order`). */
    order: unknown;
  };
  /** Whether a referral names the customer as referee, when the caller read it with the lock. */
  isReferee?: boolean;
  /** The payload to store as the event's data, when earning saw another (the order as charged). */
  storedPayload?: EventPayload;
}
