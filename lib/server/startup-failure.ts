import { ConfigError } from "./config";
import { StoreOpenError } from "./store/types";

/**
 * What a server that cannot start prints: for a bad setting or an unusable
 * database, the sentence written for the operator (it names the variable or
 * the file and what is wrong); for anything unforeseen, the error itself.
 */
export function startupFailure(error: unknown): unknown {
  return error instanceof ConfigError || error instanceof StoreOpenError ? error.message : error;
}
