/** weft-init's typed errors: a stable code per way it can fail, and a message that says what to do. */
export const InitErrorCodes = {
  /** An environment variable is malformed (not a port, not a UID, unknown backend). */
  BAD_SETTING: 'WEFT_INIT_BAD_SETTING',
  /** No iptables backend could install the rules (missing binaries, no permission, no kernel support). */
  APPLY_FAILED: 'WEFT_INIT_APPLY_FAILED',
} as const;

export type InitErrorCode = (typeof InitErrorCodes)[keyof typeof InitErrorCodes];

export class InitError extends Error {
  constructor(
    readonly code: InitErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'InitError';
  }
}
