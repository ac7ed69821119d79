export {
  decimalText,
  getCustomerWithWallet,
  listCustomerLedger,
  searchCustomers,
} from "./browse.ts";
export { listCampaignsFor } from "./campaigns.ts";
export {
  buildLockQuery,
  type CustomerRow,
  conflictOf,
  consentsTo,
  customerWithWallet,
  deleteDevices,
  deviceTtlOf,
  findCustomer,
  findCustomerAndCatalogVersion,
  identifyAnonymous,
  lockCustomer,
  lockCustomerByUuid,
  registerDevice,
  stampDevices,
  updateConsent,
  updateCustomer,
} from "./customers.ts";
export { createTotp, TOTP_TTL_MS, verifyTotp } from "./totp.ts";
export { listCustomerTransactions } from "./transactions.ts";
export { toClientCustomerView, toCustomerView } from "./views.ts";
