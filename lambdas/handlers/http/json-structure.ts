/**
 * JSON.parse silently keeps the last of two equal keys and recurses as deep as the text goes. ECI's
 * bodies are at most 3 levels deep and never repeat a key, so both are refused at the edge: a repeated
 * key is ambiguous (a proxy or log may have read the first value) and deep nesting only costs work.
 */
export const MAX_JSON_DEPTH = 16;

export interface JsonStructureProblem {
  /** Dotted path of the object holding the repeated key, or of the too-deep value. */
  path: string;
  message: string;
}

interface Frame {
  kind: 'object' | 'array';
  keys: Set<string>;
  expectKey: boolean;
  key: string;
  index: number;
}

function pathOf(stack: Frame[]): string {
  const parts: string[] = [];
  for (const frame of stack) {
    if (frame.kind === 'array') parts.push(String(frame.index));
    else if (frame.key !== '') parts.push(frame.key);
  }
  return parts.join('.') || '(body)';
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;

/**
 * Scans JSON text that JSON.parse already accepted and returns the first repeated object key or value
 * nested deeper than {@link MAX_JSON_DEPTH}, or undefined. Linear in the text length.
 */
export function findJsonStructureProblem(text: string): JsonStructureProblem | undefined {
  // The open containers are frames[0 .. depth-1]. Frames (and their key sets) are reused by depth
  // rather than allocated per container: a push of 50,000 items opens 50,000 objects.
  const frames: Frame[] = [];
  let depth = 0;
  const length = text.length;
  let i = 0;
  // Character codes, not one-character strings: a 50,000-item push is ~3 million characters.
  while (i < length) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      let end = i + 1;
      let escaped = false;
      for (let d = text.charCodeAt(end); end < length && d !== QUOTE; d = text.charCodeAt(end)) {
        if (d === BACKSLASH) {
          escaped = true;
          end += 2;
        } else {
          end += 1;
        }
      }
      const top = depth > 0 ? frames[depth - 1] : undefined;
      if (top?.kind === 'object' && top.expectKey) {
        // JSON.parse accepted the text, so a key without an escape is its own characters.
        const key = escaped ? (JSON.parse(text.slice(i, end + 1)) as string) : text.slice(i + 1, end);
        if (top.keys.has(key)) {
          const at = pathOf(frames.slice(0, depth - 1).concat({ ...top, key: '' }));
          return {
            path: at === '(body)' ? key : `${at}.${key}`,
            message: `the key "${key}" is given twice`,
          };
        }
        top.keys.add(key);
        top.key = key;
        top.expectKey = false;
      }
      i = end + 1;
      continue;
    }
    if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (depth >= MAX_JSON_DEPTH) {
        return {
          path: pathOf(frames.slice(0, depth)),
          message: `nests deeper than ${MAX_JSON_DEPTH} levels`,
        };
      }
      let frame = frames[depth];
      if (frame === undefined) {
        frame = { kind: 'object', keys: new Set(), expectKey: true, key: '', index: 0 };
        frames.push(frame);
      }
      frame.kind = c === OPEN_BRACE ? 'object' : 'array';
      frame.keys.clear();
      frame.expectKey = true;
      frame.key = '';
      frame.index = 0;
      depth += 1;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      if (depth > 0) depth -= 1;
    } else if (c === COMMA) {
      const top = depth > 0 ? frames[depth - 1] : undefined;
      if (top?.kind === 'object') top.expectKey = true;
      else if (top) top.index += 1;
    }
    i += 1;
  }
  return undefined;
}
