export { CONDITION_TYPES } from "./catalogue.ts";
export {
  type CompiledConditions,
  type ConditionResult,
  compileConditions,
  validateConditions,
} from "./compile.ts";
export { CLOCK_SKEW_MS } from "./dates.ts";
