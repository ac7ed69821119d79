export {
  assertBrand,
  createAccount,
  createApiKey,
  createBrand,
  hashKey,
  keyBits,
  MIN_CHOSEN_KEY_BITS,
  MIN_CHOSEN_KEY_LENGTH,
  revokeApiKey,
} from "./accounts.ts";
export { issueToken, STOREFRONT_AUDIENCE, TOKEN_ISSUER, verifyToken } from "./auth.ts";
export {
  checkRequestRate,
  databaseRequestCounter,
  memoryRequestCounter,
  type RequestCounter,
} from "./request-rate.ts";
export {
  type AccountSettingsCache,
  cachedAccountSettings,
  getAccountSettings,
  listCorsOrigins,
  updateAccountSettings,
} from "./settings.ts";
