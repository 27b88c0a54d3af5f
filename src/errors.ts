// The one error hierarchy: a stable literal code, an HTTP status, and whether the message may be
// shown to the user. Thrown where the problem is found, caught once at the edge.
export type ErrorCode =
  | 'bad_request'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'csrf_failed'
  | 'invalid_credentials'
  | 'webauthn_failed'
  | 'webauthn_expired'
  /** a signature counter that did not move forward: possibly a cloned authenticator */
  | 'webauthn_clone'
  | 'interaction_expired'
  | 'not_found'
  | 'conflict'
  | 'weak_password'
  | 'invalid_input'
  | 'storage_unavailable'
  | 'delivery_failed';

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly expose: boolean;
  /** for invalid_input: the problems per input field (an API reports them per field) */
  readonly fields: Record<string, string[]> | undefined;
  constructor(code: ErrorCode, status: number, message: string, options: { expose?: boolean; cause?: unknown; fields?: Record<string, string[]> } = {}) {
    super(message, { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.status = status;
    this.expose = options.expose ?? status < 500;
    this.fields = options.fields;
  }
}

export const isAppError = (e: unknown): e is AppError => e instanceof AppError;
