export { applyBudgets, budgetPeriodOf } from "./budget.ts";
export { assertOutlets, type Catalog, catalogVersion, loadCatalog } from "./cache.ts";
export {
  changeCampaignState,
  getCampaignRecord,
  listCampaignRecords,
  type TCampaignRecord,
  toCampaignRecord,
} from "./campaign-states.ts";
export {
  type CampaignListQuery,
  type CampaignWriteOptions,
  createCampaign,
  getCampaign,
  listCampaigns,
  updateCampaign,
} from "./campaigns.ts";
export {
  disableCode,
  exportCodesCsv,
  generateCodes,
  importCodes,
  listCodes,
} from "./code-batches.ts";
export { MAX_GENERATED_CODES } from "./coupon-codes.ts";
export { listCampaignCodes, summariseCodes } from "./coupon-summary.ts";
export {
  archiveReward,
  createRewardOnce,
  getRewardRecord,
  listRewardRecords,
  type TRewardRecord,
  toRewardRecord,
  updateReward,
} from "./reward-writes.ts";
export { createReward, getReward, isUuid, listRewards } from "./rewards.ts";
export {
  createTier,
  deleteTier,
  listTierPage,
  listTiers,
  reorderTiers,
  updateTier,
} from "./tiers.ts";
export { toRewardView } from "./views.ts";
