import { pino } from "pino";

export type Logger = pino.Logger;

/** JSON lines on stdout; message bodies are never logged, only ids and sizes. */
export function createLogger(level: pino.LevelWithSilent): Logger {
  return pino({ level, base: { service: "scrollback" } });
}

export const silentLogger: Logger = pino({ level: "silent" });
