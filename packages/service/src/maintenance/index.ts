export { type DemoteTiersResult, demoteTiers, tierPeriodStart } from "./demote-tiers.ts";
export { type ExpireLinesResult, expireLines } from "./expire-lines.ts";
export { type ExpireReservationsResult, expireReservations } from "./expire-reservations.ts";
export {
  INLINE_REEVALUATION_LIMIT,
  type PromoteTiersResult,
  promoteChangedLadders,
  reevaluateLadder,
} from "./promote-tiers.ts";
export type { MaintenanceOptions } from "./shared.ts";
