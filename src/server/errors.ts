// Errors of the gateway and the one JSON shape every 4xx/5xx takes:
// `{ "error": { "code": "...", "message": "..." } }`. Codes are stable for
// programs; messages are for humans and never contain a key or a secret.

export class HttpError extends Error {
  override name = 'HttpError';
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
  }
}

export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}

export function errorBody(code: string, message: string, details?: unknown): ErrorBody {
  return details === undefined ? { error: { code, message } } : { error: { code, message, details } };
}

/** Fastify's own error codes, mapped to ours with a message a caller can act on. */
const FASTIFY: Record<string, { status: number; code: string; message?: (e: FastifyLikeError) => string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: 'body_too_large', message: (e) => `request body too large (${e.message})` },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, code: 'unsupported_media_type', message: () => 'unsupported content type: send application/json' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, code: 'bad_content_length', message: () => 'content-length does not match the body' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, code: 'invalid_json', message: () => 'empty body: send a JSON document' },
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, code: 'invalid_json', message: (e) => `malformed JSON: ${e.message}` },
  FST_ERR_CTP_EMPTY_TYPE: { status: 415, code: 'unsupported_media_type', message: () => 'missing content type: send application/json' },
  FST_ERR_CTP_INVALID_TYPE: { status: 415, code: 'unsupported_media_type', message: () => 'invalid content type: send application/json' },
};

export interface FastifyLikeError {
  message: string;
  code?: string;
  statusCode?: number;
  validation?: Array<{ instancePath?: string; message?: string; params?: Record<string, unknown>; keyword?: string }>;
  validationContext?: string;
}

/** Maps any thrown error to a status and our error body. Unknown errors are 500 without internals. */
export function toErrorResponse(e: unknown): { status: number; body: ErrorBody; headers?: Record<string, string> } {
  if (e instanceof HttpError) return { status: e.statusCode, body: errorBody(e.code, e.message, e.details), headers: e.headers };
  const err = (e ?? {}) as FastifyLikeError;
  if (err.validation) {
    const where = err.validationContext ?? 'body';
    // 'if' only says which branch (single action or batch) failed; the branch's own errors say why.
    const relevant = err.validation.filter((v) => v.keyword !== 'if');
    const problems = (relevant.length ? relevant : err.validation).slice(0, 20).map((v) => {
      const path = `${where}${v.instancePath ?? ''}`;
      if (v.keyword === 'additionalProperties') return `${path}: unknown field '${String(v.params?.additionalProperty)}'`;
      return `${path}: ${v.message ?? 'invalid'}`;
    });
    return { status: 400, body: errorBody('invalid_request', problems.join('; '), problems) };
  }
  if (err.code && FASTIFY[err.code]) {
    const f = FASTIFY[err.code]!;
    return { status: f.status, body: errorBody(f.code, f.message ? f.message(err) : err.message) };
  }
  if (err instanceof SyntaxError || /JSON/.test(err.message ?? '') && (err.statusCode ?? 0) === 400) {
    return { status: 400, body: errorBody('invalid_json', `malformed JSON: ${err.message}`) };
  }
  if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
    return { status: err.statusCode, body: errorBody('bad_request', err.message ?? 'bad request') };
  }
  return { status: 500, body: errorBody('internal', 'internal error (see the server log)') };
}
