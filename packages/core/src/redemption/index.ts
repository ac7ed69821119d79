export { computeRedemption } from "./compute.ts";
export type * from "./types.ts";
export {
  type RedeemedWire,
  type RedemptionsResultWire,
  type RenderedOrder,
  renderRedemptions,
  toRedemptionsResultWire,
} from "./wire.ts";
