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

/**
 * Scans JSON text that JSON.parse already accepted and returns the first repeated object key or value
 * nested deeper than {@link MAX_JSON_DEPTH}, or undefined. Linear in the text length.
 */
export function findJsonStructureProblem(text: string): JsonStructureProblem | undefined {
  const stack: Frame[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '"') {
      let end = i + 1;
      while (end < text.length && text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
      const top = stack[stack.length - 1];
      if (top?.kind === 'object' && top.expectKey) {
        const key = JSON.parse(text.slice(i, end + 1)) as string;
        if (top.keys.has(key)) {
          const at = pathOf(stack.slice(0, -1).concat({ ...top, key: '' }));
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
    if (c === '{' || c === '[') {
      if (stack.length >= MAX_JSON_DEPTH) {
        return { path: pathOf(stack), message: `nests deeper than ${MAX_JSON_DEPTH} levels` };
      }
      stack.push({
        kind: c === '{' ? 'object' : 'array',
        keys: new Set(),
        expectKey: true,
        key: '',
        index: 0,
      });
    } else if (c === '}' || c === ']') {
      stack.pop();
    } else if (c === ',') {
      const top = stack[stack.length - 1];
      if (top?.kind === 'object') top.expectKey = true;
      else if (top) top.index += 1;
    }
    i += 1;
  }
  return undefined;
}
