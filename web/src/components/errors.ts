// What a refused or failed call says to the user. The service's problem text arrives in an
// ApiError (403 already reads «Недостаточно прав: …»); anything else is the network.
import { ApiError } from "../api/client";
import { COMMON } from "./messages";

export function errorText(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof TypeError) return COMMON.networkDown;
  if (error instanceof Error && error.message) return error.message;
  return COMMON.networkDown;
}

export function isConflict(error: unknown): boolean {
  return error instanceof ApiError && error.status === 409;
}
