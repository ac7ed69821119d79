// Fixtures for database tests of the service layer and of the packages and apps above it.
export { newAccount } from "./accounts.ts";
export {
  createTestDatabase,
  expectLedgerBalanced,
  type TestDatabase,
  useTestDatabase,
} from "./database.ts";
export {
  balances,
  grantLine,
  holdReservation,
  ledgerOf,
  lifetimeOf,
  walletOf,
} from "./ledger.ts";
export { createCustomers, enqueue, jobOf } from "./migrations.ts";
