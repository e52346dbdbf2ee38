export type LogFields = Record<string, unknown>;

/** Structured logging, passed in; core never writes to the console itself. */
export type Logger = {
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
};

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };
