// Admin API errors: JSON in one shape, { error, error_description, fields? }, with the right
// status. Bad input is 400 with a message per field; unknown ids 404; conflicts 409.
import type { Middleware } from 'koa';
import type { z } from 'zod';
import { isAppError } from '../errors.js';
import type { Logger } from '../log.js';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    message: string,
    readonly headers: Record<string, string> = {},
    readonly fields?: Record<string, string[]>,
  ) {
    super(message);
  }
}

export const notFound = (what: string) => new ApiError(404, 'not_found', `no such ${what}`);

/** zod issues as { "a.b": ["message", …] }. */
export function fieldErrors(error: z.ZodError): Record<string, string[]> {
  const fields: Record<string, string[]> = {};
  for (const issue of error.issues) {
    const key = issue.path.length ? issue.path.join('.') : '(body)';
    fields[key] = [...(fields[key] ?? []), issue.message];
  }
  return fields;
}

export function parseBody<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const result = schema.safeParse(body);
  if (!result.success) throw new ApiError(400, 'invalid_request', 'the request body is not valid; see fields', {}, fieldErrors(result.error));
  return result.data;
}

export function apiErrors(log: Logger): Middleware {
  return async (ctx, next) => {
    try {
      await next();
    } catch (err) {
      let e: ApiError;
      if (err instanceof ApiError) e = err;
      else if (isAppError(err) && err.expose) e = new ApiError(err.status, err.code === 'invalid_input' ? 'invalid_request' : err.code, err.message, {}, err.fields);
      else if (typeof err === 'object' && err !== null && 'status' in err && (err as { status: number }).status >= 400 && (err as { status: number }).status < 500) {
        // koa-bodyparser: malformed JSON (400), too large (413), wrong type (415)
        const status = (err as { status: number }).status;
        e = new ApiError(status, status === 413 ? 'payload_too_large' : status === 415 ? 'unsupported_media_type' : 'invalid_request', (err as unknown as Error).message);
      } else {
        log.error({ err }, 'admin API error');
        e = new ApiError(500, 'server_error', 'something went wrong on our side; it has been logged');
      }
      ctx.status = e.status;
      for (const [k, v] of Object.entries(e.headers)) ctx.set(k, v);
      ctx.set('cache-control', 'no-store');
      ctx.body = { error: e.error, error_description: e.message, ...(e.fields ? { fields: e.fields } : {}) };
    }
  };
}
