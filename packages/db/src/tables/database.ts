import type {
  AccountTable,
  ApiKeyTable,
  BrandTable,
  IdempotencyKeyTable,
  OutletTable,
  RequestCounterTable,
  ServiceTokenTable,
  TotpCodeTable,
} from "./account.table.ts";
import type {
  CampaignBudgetUsageTable,
  CampaignTable,
  RewardTable,
  TierTable,
} from "./catalog.table.ts";
import type { CustomerTable, WalletTable } from "./customer.table.ts";
import type { ImportCheckpointTable } from "./import-checkpoint.table.ts";
import type {
  EventTable,
  ReservationTable,
  TransactionTable,
  WalletLineTable,
} from "./ledger.table.ts";
import type {
  CouponCodeTable,
  CouponRedemptionTable,
  CouponUsageTable,
  GiftCardTable,
  MigrationJobTable,
  PunchCardStampTable,
  PunchCardTable,
  ReferralCodeTable,
  ReferralTable,
} from "./programs.table.ts";
import type { WebhookDeliveryTable, WebhookSubscriptionTable } from "./webhook.table.ts";

/** Every table of the Tally schema, as Kysely sees it. */
export interface Database {
  accounts: AccountTable;
  api_keys: ApiKeyTable;
  brands: BrandTable;
  service_tokens: ServiceTokenTable;
  stores: OutletTable;
  channels: OutletTable;
  idempotency_keys: IdempotencyKeyTable;
  totp_codes: TotpCodeTable;
  tiers: TierTable;
  rewards: RewardTable;
  campaigns: CampaignTable;
  campaign_budget_usage: CampaignBudgetUsageTable;
  customers: CustomerTable;
  wallets: WalletTable;
  events: EventTable;
  wallet_lines: WalletLineTable;
  transactions: TransactionTable;
  reservations: ReservationTable;
  coupon_codes: CouponCodeTable;
  coupon_redemptions: CouponRedemptionTable;
  coupon_usage: CouponUsageTable;
  gift_cards: GiftCardTable;
  punch_cards: PunchCardTable;
  punch_card_stamps: PunchCardStampTable;
  referral_codes: ReferralCodeTable;
  referrals: ReferralTable;
  migration_jobs: MigrationJobTable;
  import_checkpoints: ImportCheckpointTable;
  request_counters: RequestCounterTable;
  webhook_subscriptions: WebhookSubscriptionTable;
  webhook_deliveries: WebhookDeliveryTable;
}
