export { accrualRows } from "./accrual-rows.ts";
export { auditLedger, auditQueries, type LedgerMismatch } from "./audit.ts";
export { expireDueLots, releaseExpiredHolds, type WalletKey } from "./expiry.ts";
export { type LiabilityReport, reportLiability } from "./liability.ts";
export {
  availableOf,
  balancesOf,
  type Draw,
  drawLots,
  holdDraws,
  type LineRow,
  loadOpenLots,
  moveRemaining,
  pickDraws,
  settleHolds,
} from "./lots.ts";
export {
  listTransactionsOfCustomer,
  listTransactionsOfDay,
  parseDay,
  type TransactionFilters,
} from "./transactions.ts";
export { toLineView, toTransactionView } from "./views.ts";
export { liveReservedOf, loadOpenLines, loadWalletView, walletView } from "./wallet.ts";
export { recordWalletWebhook, type WalletEvent } from "./webhooks.ts";
export { insertEventRows, writeEvent } from "./write.ts";
