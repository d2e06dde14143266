/**
 * Trendyol's error answers, reduced to what ECI stores and shows: the HTTP status, Trendyol's error
 * key, and a short message. Bodies are not always the documented envelope
 * (`{"errors":[{"key","message","errorCode"}]}`): `errors:[{}]`, an empty `errorCode`, an
 * `{"exception":…}` body, or an HTML page (stage IP block, gateway 502) have all been reported
 * (trendyol-contract.md, "Learned from integrators"). An HTML page is never kept whole.
 */

/** Longest text kept from an error body. */
export const ERROR_TEXT_MAX = 200;

/** Trendyol's wording for the 15-minute identical-request refusal ("you cannot repeat the same request for 15 minutes"). */
const REPEAT_MESSAGE_MARKERS = ['15 dakika', 'aynı isteği tekrarlı'];
/** Error keys seen or plausible for the same refusal; matched case-insensitively. */
const REPEAT_KEY_PATTERN = /duplicate|same\.request|repeated|tekrar/i;

export interface ErrorSummary {
  /** Trendyol's error key (errors[0].key, or `exception`), when it sent one. */
  key: string | null;
  /** Trendyol's message, cut to ERROR_TEXT_MAX. */
  message: string | null;
}

/** Cuts text to `max` characters, marking the cut. */
function cut(text: string, max = ERROR_TEXT_MAX): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/**
 * A non-JSON body as a one-line summary: an HTML page becomes `HTML page (N chars): <title or h1>`,
 * other text is cut to ERROR_TEXT_MAX characters.
 */
export function summariseText(text: string): string {
  if (/<\s*(!doctype|html|head|body)\b/i.test(text)) {
    const heading =
      /<title[^>]*>([^<]*)<\/title>/i.exec(text)?.[1] ?? /<h1[^>]*>([^<]*)<\/h1>/i.exec(text)?.[1];
    const label = heading?.replace(/\s+/g, ' ').trim();
    return `HTML page (${text.length} chars)${label ? `: ${cut(label, 80)}` : ''}`;
  }
  return cut(text.replace(/\s+/g, ' ').trim());
}

function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' && value.trim().length > 0 ? value : null;
}

/** Trendyol's key and message from any error body shape. */
export function summariseErrorBody(body: unknown): ErrorSummary {
  if (typeof body === 'string') return { key: null, message: stringOrNull(body) && summariseText(body) };
  if (!body || typeof body !== 'object') return { key: null, message: null };
  const record = body as { errors?: unknown; exception?: unknown; message?: unknown };
  const first = Array.isArray(record.errors)
    ? (record.errors[0] as Record<string, unknown> | undefined)
    : undefined;
  const key = stringOrNull(first?.key) ?? stringOrNull(record.exception);
  const message = stringOrNull(first?.message) ?? stringOrNull(record.message);
  return { key, message: message && cut(message) };
}

/**
 * True when an answer is the 15-minute identical-request refusal, recognised by its key or message
 * whatever HTTP status carries it (400, 403 and 429 have all been reported).
 */
export function isRepeatRefusal(body: unknown): boolean {
  if (!body || typeof body !== 'object') return false;
  const errors = (body as { errors?: unknown }).errors;
  if (!Array.isArray(errors)) return false;
  return errors.some((e) => {
    const entry = (e ?? {}) as { key?: unknown; message?: unknown };
    const message = typeof entry.message === 'string' ? entry.message : '';
    const key = typeof entry.key === 'string' ? entry.key : '';
    return REPEAT_MESSAGE_MARKERS.some((m) => message.includes(m)) || REPEAT_KEY_PATTERN.test(key);
  });
}

/** `HTTP 400 request.invalid: Barkod formatı geçersiz` — the form every stored error message takes. */
export function describeHttpError(httpStatus: number, body: unknown): string {
  const { key, message } = summariseErrorBody(body);
  const head = httpStatus > 0 ? `HTTP ${httpStatus}` : 'no HTTP answer';
  const detail = [key, message].filter((part): part is string => part !== null && part !== '').join(': ');
  return detail ? `${head} ${detail}` : head;
}

/** Most error entries kept from one answer. */
const ERROR_ENTRIES_MAX = 20;

/**
 * The part of an error answer ECI stores on a job and returns: Trendyol's documented envelope
 * `{errors:[{key, message, errorCode}]}` (strings only, each cut to ERROR_TEXT_MAX, at most 20
 * entries), or `{exception, message}`, or `{summary}` for text or HTML. Nothing else of the body is
 * kept, so whatever a misbehaving or hostile endpoint echoes (headers, credentials, a whole page)
 * never reaches a job, a log or an API answer.
 */
export function trendyolErrorDetails(body: unknown): Record<string, unknown> | null {
  if (typeof body === 'string') return stringOrNull(body) ? { summary: summariseText(body) } : null;
  if (!body || typeof body !== 'object') return null;
  const record = body as { errors?: unknown; exception?: unknown; message?: unknown };
  const text = (value: unknown) => {
    const s = stringOrNull(value);
    return s === null ? undefined : cut(s);
  };
  if (Array.isArray(record.errors)) {
    return {
      errors: record.errors.slice(0, ERROR_ENTRIES_MAX).map((entry) => {
        const e = (entry ?? {}) as Record<string, unknown>;
        const key = text(e.key);
        const message = text(e.message);
        const errorCode = text(e.errorCode);
        return {
          ...(key !== undefined && { key }),
          ...(message !== undefined && { message }),
          ...(errorCode !== undefined && { errorCode }),
        };
      }),
    };
  }
  const exception = text(record.exception);
  const message = text(record.message);
  if (exception === undefined && message === undefined) return null;
  return { ...(exception !== undefined && { exception }), ...(message !== undefined && { message }) };
}
