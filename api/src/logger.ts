import { createRequire } from "node:module";
import pino from "pino";
import type { Config } from "./config";
import { describeError } from "./observability/error-description";
import { currentLogContext } from "./observability/log-context";

export type Logger = pino.Logger;

export interface LoggerOptions {
  /** JSON lines (production, log collectors) or pino-pretty's lines (a developer's terminal). */
  format?: Config["logFormat"];
  /**
   * Values that must never reach a log, whatever a call site passes in: the bot token, the webhook
   * secret, the POS secrets, the metrics token. Any of them in a line is replaced before it is written.
   */
  secrets?: readonly (string | undefined)[];
  /** Where lines go; stdout by default. Tests hand in a stream of their own. */
  destination?: pino.DestinationStream;
}

/** A bot token (`<digits>:<30+ of A-Z a-z 0-9 _ ->`), ours or anyone's: never worth logging. */
const botTokenShape = /\d{5,}:[A-Za-z0-9_-]{30,}/g;

const censor = "[redacted]";

/**
 * Structured logs: one JSON object per line to stdout, or pretty lines in development. Every line
 * carries the request id and the Telegram update id of the work it belongs to (see log-context.ts).
 *
 * Phone numbers, tokens and initData never reach a log. Call sites must not pass them in the first
 * place (bot/update-log.ts describes updates and errors without their content); what follows is a
 * safety net, not a licence: redaction of fields by name, an error serializer that drops query
 * parameters and request payloads, and a last pass over every line that blanks out secrets.
 */
export function createLogger(level: Config["logLevel"], options: LoggerOptions = {}): Logger {
  const scrub = secretScrubber(options.secrets ?? []);
  const pretty = options.format === "pretty" && !options.destination ? prettyStream() : undefined;
  const settings: pino.LoggerOptions = {
    level,
    mixin: () => currentLogContext(),
    redact: {
      paths: [
        "phone",
        "*.phone",
        "phoneNumber",
        "*.phoneNumber",
        "token",
        "*.token",
        "secret",
        "*.secret",
        "initData",
        "*.initData",
        "authorization",
        "*.authorization",
        "headers",
        "*.headers",
      ],
      censor,
    },
    serializers: { err: safeError, error: safeError },
    hooks: { streamWrite: scrub },
  };
  // Without a stream of our own, pino's default: stdout, asynchronous, flushed at exit.
  const stream = options.destination ?? pretty;
  return stream ? pino(settings, stream) : pino(settings);
}

/**
 * pino-pretty as a stream in this thread (no worker), when it is installed: it is a development
 * dependency, so a production install without it falls back to JSON rather than failing to start.
 */
function prettyStream(): pino.DestinationStream | undefined {
  try {
    const require = createRequire(import.meta.url);
    const pretty = require("pino-pretty") as (options: object) => pino.DestinationStream;
    return pretty({ colorize: true, translateTime: "SYS:HH:MM:ss.l", ignore: "pid,hostname" });
  } catch {
    return undefined;
  }
}

/** Replaces every configured secret (raw, and as JSON escapes it) and anything shaped like a bot token. */
export function secretScrubber(secrets: readonly (string | undefined)[]): (line: string) => string {
  const forms = new Set<string>();
  for (const secret of secrets) {
    // Short values would blank out ordinary words; config already demands 8+ characters of a secret.
    if (!secret || secret.length < 8) continue;
    forms.add(secret);
    forms.add(JSON.stringify(secret).slice(1, -1));
  }
  const escaped = [...forms]
    .sort((a, b) => b.length - a.length)
    .map((form) => form.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  const pattern = escaped.length > 0 ? new RegExp(escaped.join("|"), "g") : undefined;
  return (line) => {
    const withoutTokens = line.replace(botTokenShape, censor);
    return pattern ? withoutTokens.replace(pattern, censor) : withoutTokens;
  };
}

/**
 * pino's serializer for `err` and `error`: an Error is described by the one scrubber
 * (observability/error-description.ts); anything else is already a plain description and passes through.
 */
export function safeError(value: unknown): unknown {
  return value instanceof Error ? describeError(value) : value;
}
