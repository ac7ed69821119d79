import { benchMatch } from "./match.ts";
import { benchPurchase } from "./purchase.ts";

benchMatch();
await benchPurchase();
