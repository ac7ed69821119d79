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
export { createApiKeyOnce, listApiKeys, revokeApiKeyOf, type TApiKeyView } from "./api-keys.ts";
export { issueToken, STOREFRONT_AUDIENCE, TOKEN_ISSUER, verifyToken } from "./auth.ts";
export {
  createDirectoryEntry,
  DIRECTORY,
  type DirectoryKind,
  deleteDirectoryEntry,
  listDirectoryEntries,
  type TDirectoryEntry,
  updateDirectoryEntry,
} from "./directory.ts";
export {
  type AccountSettingsCache,
  cachedAccountSettings,
  getOperationalSettings,
  listCorsOrigins,
  updateOperationalSettings,
} from "./operations.ts";
export {
  checkRequestRate,
  databaseRequestCounter,
  memoryRequestCounter,
  type RequestCounter,
} from "./request-rate.ts";
export {
  createServiceToken,
  listServiceTokens,
  revokeServiceToken,
  SERVICE_TOKEN_PREFIX,
  type ServiceCaller,
  type TServiceTokenView,
  verifyServiceToken,
} from "./service-tokens.ts";
export {
  type AccountSettings,
  createAccountWithSettings,
  getAccount,
  type TAccountView,
  updateAccountSettings,
} from "./settings.ts";
