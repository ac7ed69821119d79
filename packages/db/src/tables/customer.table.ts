import type { CreatedAt, Generated, Timestamp } from "./types.ts";

export interface CustomerTable {
  account_id: string;
  uuid: string;
  id: string;
  name: string | null;
  email: string | null;
  email_status: string | null;
  status: Generated<"ACTIVE" | "INACTIVE">;
  is_anonymous: Generated<boolean>;
  gender: "MALE" | "FEMALE" | null;
  dob: Timestamp | null;
  document_type: string | null;
  document_number: string | null;
  country: string | null;
  registration_date: Timestamp;
  tier_id: string;
  /** When the tier demotion job last moved the customer down. */
  tier_demoted_at: Timestamp | null;
  platforms: unknown;
  tags: unknown;
  consent: unknown;
  devices: unknown;
  metrics: unknown;
  metadata: unknown;
  created_at: CreatedAt;
  updated_at: Generated<Date>;
}

export interface WalletTable {
  account_id: string;
  id: string;
  customer_uuid: string;
  created_at: CreatedAt;
}
