export type LogFields = Record<string, unknown>;

/** Structured logging, passed in; core never writes to the console itself. */
export type Logger = {
  /** Detail for troubleshooting, off unless asked for (PAYREQ_LOG_LEVEL=debug); optional for simple loggers. */
  debug?(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
};

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };
