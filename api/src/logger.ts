import pino from "pino";
import type { Config } from "./config";

export type Logger = pino.Logger;

/**
 * JSON lines to stdout. Phone numbers, tokens and initData never reach a log: the redaction
 * below is a safety net, not a licence — call sites must not pass them in the first place.
 */
export function createLogger(level: Config["logLevel"]): Logger {
  return pino({
    level,
    redact: {
      paths: [
        "phone",
        "*.phone",
        "token",
        "*.token",
        "initData",
        "*.initData",
        "authorization",
        "*.authorization",
      ],
      censor: "[redacted]",
    },
  });
}
