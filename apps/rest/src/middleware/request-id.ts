import { requestIdOf as idOf } from "@tally/observability";
import type { Request, Response } from "express";

export { requestId } from "@tally/observability";

/** The request's id; one is made (and answered) if the middleware did not run. */
export const requestIdOf = (req: Request, res: Response): string => idOf(req, res);
