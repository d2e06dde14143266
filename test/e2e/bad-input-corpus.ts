/**
 * The hostile-input corpus: one row per bad request, each with the status and error code ECI must
 * answer. Built as data so a new kind of bad input is one more row. `ctx` supplies what only exists once
 * the stack runs (ids, ports).
 */
export interface CorpusContext {
  /** The demo connection (bound to the simulator). */
  connectionId: string;
  pausedConnectionId: string;
  apiOrigin: string;
  simulatorOrigin: string;
}

export interface CorpusRequest {
  method: string;
  /** Path and query exactly as sent (percent-escapes are not normalised by fetch). */
  path: string;
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
  /** null: no x-api-key header; a string: that key; absent: the right key. */
  apiKey?: string | null;
}

export interface CorpusCase {
  name: string;
  request: (ctx: CorpusContext) => CorpusRequest;
  status: number;
  code: string;
  /** A `details[].path` the answer must contain. */
  detailPath?: string;
}

const cases: CorpusCase[] = [];
const add = (
  name: string,
  request: CorpusCase['request'],
  status: number,
  code: string,
  detailPath?: string,
) => {
  cases.push({ name, request, status, code, ...(detailPath !== undefined && { detailPath }) });
};

const item = (extra: Record<string, unknown> = {}) => ({ barcode: 'CORPUS-1', quantity: 1, ...extra });
const pushOf = (ctx: CorpusContext, items: unknown[]) => ({ connectionId: ctx.connectionId, items });
const push = (
  name: string,
  body: (ctx: CorpusContext) => unknown,
  detailPath: string,
  code = 'VALIDATION_FAILED',
) =>
  add(
    name,
    (ctx) => ({ method: 'POST', path: '/v1/inventory/push', body: body(ctx) }),
    400,
    code,
    detailPath,
  );
const pushRaw = (
  name: string,
  raw: (ctx: CorpusContext) => string,
  status: number,
  code: string,
  detailPath?: string,
) =>
  add(
    name,
    (ctx) => ({
      method: 'POST',
      path: '/v1/inventory/push',
      rawBody: raw(ctx),
      headers: { 'content-type': 'application/json' },
    }),
    status,
    code,
    detailPath,
  );

const DUMMY: CorpusContext = {
  connectionId: ':id',
  pausedConnectionId: ':paused',
  apiOrigin: '',
  simulatorOrigin: '',
};

// ---- every /v1 route without a key, with a wrong key, with an empty key ------------------------------
const V1_ROUTES: Array<[string, (ctx: CorpusContext) => string]> = [
  ['POST', () => '/v1/connections'],
  ['GET', () => '/v1/connections'],
  ['GET', (c) => `/v1/connections/${c.connectionId}`],
  ['PATCH', (c) => `/v1/connections/${c.connectionId}`],
  ['GET', (c) => `/v1/connections/${c.connectionId}/status`],
  ['POST', () => '/v1/inventory/push'],
  ['GET', () => '/v1/jobs/cnotajob'],
  ['GET', () => '/v1/inventory/batch/abc-1'],
  ['GET', (c) => `/v1/inventory/dedup?connectionId=${c.connectionId}&bodyHash=${'a'.repeat(64)}`],
  ['GET', (c) => `/v1/inventory/state?connectionId=${c.connectionId}`],
  ['GET', () => '/v1/nothing-here'],
];
for (const [method, path] of V1_ROUTES) {
  const body = method === 'GET' ? undefined : { status: 'paused' };
  for (const [label, apiKey] of [
    ['no key', null],
    ['a wrong key', 'not-the-key'],
    ['an empty key', ''],
    ['the key in capitals', 'ECI-LOCAL-DEV-KEY'],
  ] as const) {
    add(
      `${method} ${path(DUMMY)} with ${label}`,
      (ctx) => ({ method, path: path(ctx), body, apiKey }),
      401,
      'UNAUTHORIZED',
    );
  }
}

// ---- unknown query parameters on every route ---------------------------------------------------------
const QUERY_ROUTES: Array<[string, (ctx: CorpusContext) => string, unknown?]> = [
  ['GET', () => '/health?verbose=1'],
  ['GET', () => '/v1/connections?limit=10'],
  ['GET', (c) => `/v1/connections/${c.connectionId}?expand=secret`],
  ['GET', (c) => `/v1/connections/${c.connectionId}/status?x=1`],
  ['GET', () => '/v1/jobs/cnotajob?include=body'],
  ['GET', () => '/v1/inventory/batch/abc-1?raw=1'],
  ['GET', (c) => `/v1/inventory/dedup?connectionId=${c.connectionId}&bodyHash=${'a'.repeat(64)}&ttl=1`],
  ['GET', (c) => `/v1/inventory/state?connectionId=${c.connectionId}&limit=5`],
  ['POST', () => '/v1/connections?dryRun=1', { type: 'trendyol' }],
  ['PATCH', (c) => `/v1/connections/${c.connectionId}?force=1`, { status: 'paused' }],
];
for (const [method, path, body] of QUERY_ROUTES) {
  const name = path(DUMMY);
  const unknown = [...new URLSearchParams(name.split('?')[1]).keys()].at(-1) ?? '';
  add(
    `unknown query parameter on ${method} ${name}`,
    (ctx) => ({ method, path: path(ctx), body }),
    400,
    'VALIDATION_FAILED',
    `query.${unknown}`,
  );
}

// ---- push flags: only 1|0|true|false, once -------------------------------------------------------------
const FLAGS: Array<[string, string]> = [
  ['dryrun=1', 'dryrun'],
  ['dryRun=on', 'dryRun'],
  ['dryRun=', 'dryRun'],
  ['dry_run=1', 'dry_run'],
  ['dryRun=1&dryRun=0', 'dryRun'],
  ['dryRun=1&dryRun=1', 'dryRun'],
  ['dryRun=TRUE', 'dryRun'],
  ['dryRun=yes', 'dryRun'],
  ['dryRun=2', 'dryRun'],
  ['dryRun=%00', 'dryRun'],
  ['dryRun=1%00', 'dryRun'],
  ['dryRun=%E2%80%AE1', 'dryRun'],
  ['dryRun=%20', 'dryRun'],
  ['dryRun', 'dryRun'],
  ['DRYRUN=1', 'DRYRUN'],
  ['force=on', 'force'],
  ['force=', 'force'],
  ['force=1&force=0', 'force'],
  ['forced=1', 'forced'],
  ['force=-1', 'force'],
  ['forceWrite=on', 'forceWrite'],
  ['forceWrite=', 'forceWrite'],
  ['forcewrite=1', 'forcewrite'],
  ['force_write=1', 'force_write'],
  ['forceWrite=1&forceWrite=0', 'forceWrite'],
  ['forceWrite=false&forceWrite=false', 'forceWrite'],
];
for (const [query, name] of FLAGS) {
  add(
    `push with ?${query}`,
    (ctx) => ({ method: 'POST', path: `/v1/inventory/push?${query}`, body: pushOf(ctx, [item()]) }),
    400,
    'VALIDATION_FAILED',
    `query.${name}`,
  );
}

// ---- path ids: malformed escapes, NUL, control characters, surrogates, bidi, length ---------------------
const BAD_IDS: Array<[string, string]> = [
  ['a malformed percent-escape', '%E0%A4%A'],
  ['a lone percent sign', 'abc%'],
  ['an overlong UTF-8 escape', '%C0%AF'],
  ['an encoded lone surrogate', '%ED%A0%80'],
  ['NUL', 'c%00x'],
  ['ESC', 'c%1Bx'],
  ['DEL', 'c%7Fx'],
  ['a C1 control', 'c%C2%85x'],
  ['a bidi override', 'c%E2%80%AEx'],
  ['a bidi isolate', 'c%E2%81%A6x'],
  ['a space', 'c%20x'],
  ['a slash', '..%2F..%2Fetc'],
  ['an emoji', '%F0%9F%98%80'],
  ['200 characters', 'x'.repeat(200)],
];
const ID_ROUTES: Array<[string, string, unknown?]> = [
  ['GET', '/v1/connections/:id'],
  ['PATCH', '/v1/connections/:id', { status: 'paused' }],
  ['GET', '/v1/connections/:id/status'],
  ['GET', '/v1/jobs/:id'],
  ['GET', '/v1/inventory/batch/:id'],
];
for (const [method, template, body] of ID_ROUTES) {
  for (const [label, id] of BAD_IDS) {
    const param = template.includes('batch') ? 'batchRequestId' : 'id';
    add(
      `${method} ${template} with ${label}`,
      () => ({ method, path: template.replace(':id', id), body }),
      400,
      'VALIDATION_FAILED',
      `path.${param}`,
    );
  }
}

// ---- unknown ids (well-formed) -----------------------------------------------------------------------
add(
  'unknown connection',
  () => ({ method: 'GET', path: '/v1/connections/cnotaconnection' }),
  404,
  'CONNECTION_NOT_FOUND',
);
add(
  'unknown connection (PATCH)',
  () => ({ method: 'PATCH', path: '/v1/connections/cnotaconnection', body: { name: 'x' } }),
  404,
  'CONNECTION_NOT_FOUND',
);
add(
  'unknown connection status',
  () => ({ method: 'GET', path: '/v1/connections/cnotaconnection/status' }),
  404,
  'CONNECTION_NOT_FOUND',
);
add('unknown job', () => ({ method: 'GET', path: '/v1/jobs/cnotajob' }), 404, 'JOB_NOT_FOUND');
add(
  'unknown batch',
  () => ({ method: 'GET', path: '/v1/inventory/batch/00000000-0000-0000-0000-000000000000-1' }),
  404,
  'BATCH_NOT_FOUND',
);
add(
  'push to an unknown connection',
  () => ({
    method: 'POST',
    path: '/v1/inventory/push',
    body: { connectionId: 'cnotaconnection', items: [item()] },
  }),
  404,
  'CONNECTION_NOT_FOUND',
);
add(
  'push to a paused connection',
  (c) => ({
    method: 'POST',
    path: '/v1/inventory/push',
    body: { connectionId: c.pausedConnectionId, items: [item()] },
  }),
  409,
  'CONNECTION_PAUSED',
);
add(
  'state of an unknown connection',
  () => ({ method: 'GET', path: '/v1/inventory/state?connectionId=cnotaconnection' }),
  404,
  'CONNECTION_NOT_FOUND',
);
add(
  'dedup of an unknown connection',
  () => ({
    method: 'GET',
    path: `/v1/inventory/dedup?connectionId=cnotaconnection&bodyHash=${'a'.repeat(64)}`,
  }),
  404,
  'CONNECTION_NOT_FOUND',
);
add(
  'dedup record that does not exist',
  (c) => ({
    method: 'GET',
    path: `/v1/inventory/dedup?connectionId=${c.connectionId}&bodyHash=${'a'.repeat(64)}`,
  }),
  404,
  'DEDUP_RECORD_NOT_FOUND',
);

// ---- routes and methods ------------------------------------------------------------------------------
add('unknown route', () => ({ method: 'GET', path: '/v1/nothing-here' }), 404, 'ROUTE_NOT_FOUND');
add('unknown route with a NUL', () => ({ method: 'GET', path: '/v1/%00' }), 404, 'ROUTE_NOT_FOUND');
add('DELETE a job', () => ({ method: 'DELETE', path: '/v1/jobs/cnotajob' }), 405, 'METHOD_NOT_ALLOWED');
add(
  'PUT connections',
  () => ({ method: 'PUT', path: '/v1/connections', body: {} }),
  405,
  'METHOD_NOT_ALLOWED',
);
add(
  'DELETE a connection',
  (c) => ({ method: 'DELETE', path: `/v1/connections/${c.connectionId}` }),
  405,
  'METHOD_NOT_ALLOWED',
);
add('GET the push route', () => ({ method: 'GET', path: '/v1/inventory/push' }), 405, 'METHOD_NOT_ALLOWED');
add('POST a job', () => ({ method: 'POST', path: '/v1/jobs/cnotajob', body: {} }), 405, 'METHOD_NOT_ALLOWED');
add(
  'POST the state route',
  () => ({ method: 'POST', path: '/v1/inventory/state', body: {} }),
  405,
  'METHOD_NOT_ALLOWED',
);

// ---- content types, encodings, sizes -----------------------------------------------------------------
for (const contentType of [
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/jsonp',
  'application/json-patch+json',
  'text/json',
  '',
]) {
  add(
    `push as ${contentType || 'no content type'}`,
    (ctx) => ({
      method: 'POST',
      path: '/v1/inventory/push',
      rawBody: JSON.stringify(pushOf(ctx, [item()])),
      headers: contentType ? { 'content-type': contentType } : ({} as Record<string, string>),
    }),
    415,
    'UNSUPPORTED_MEDIA_TYPE',
  );
}
add(
  'connection as form data',
  () => ({
    method: 'POST',
    path: '/v1/connections',
    rawBody: 'type=trendyol&name=x',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  }),
  415,
  'UNSUPPORTED_MEDIA_TYPE',
);
add(
  'PATCH as text',
  (c) => ({
    method: 'PATCH',
    path: `/v1/connections/${c.connectionId}`,
    rawBody: '{"status":"paused"}',
    headers: { 'content-type': 'text/plain' },
  }),
  415,
  'UNSUPPORTED_MEDIA_TYPE',
);
pushRaw('empty body', () => '', 400, 'MALFORMED_JSON');
pushRaw('truncated JSON', () => '{"connectionId":', 400, 'MALFORMED_JSON');
pushRaw('single quotes', () => "{'connectionId':'x'}", 400, 'MALFORMED_JSON');
pushRaw(
  'trailing comma',
  (c) => `{"connectionId":"${c.connectionId}","items":[{"barcode":"A","quantity":1},]}`,
  400,
  'MALFORMED_JSON',
);
pushRaw(
  'NaN',
  (c) => `{"connectionId":"${c.connectionId}","items":[{"barcode":"A","quantity":NaN}]}`,
  400,
  'MALFORMED_JSON',
);
pushRaw(
  'Infinity',
  (c) => `{"connectionId":"${c.connectionId}","items":[{"barcode":"A","salePrice":Infinity}]}`,
  400,
  'MALFORMED_JSON',
);
pushRaw('a byte order mark', (c) => `\ufeff${JSON.stringify(pushOf(c, [item()]))}`, 400, 'MALFORMED_JSON');
pushRaw('comments', (c) => `{"connectionId":"${c.connectionId}", /* x */ "items":[]}`, 400, 'MALFORMED_JSON');
pushRaw('two documents', (c) => `${JSON.stringify(pushOf(c, [item()]))}{}`, 400, 'MALFORMED_JSON');
pushRaw(
  'a duplicate connectionId',
  (c) =>
    `{"connectionId":"${c.pausedConnectionId}","connectionId":"${c.connectionId}","items":[{"barcode":"A","quantity":1}]}`,
  400,
  'MALFORMED_JSON',
  'connectionId',
);
pushRaw(
  'a duplicate quantity',
  (c) => `{"connectionId":"${c.connectionId}","items":[{"barcode":"A","quantity":1,"quantity":2}]}`,
  400,
  'MALFORMED_JSON',
  'items.0.quantity',
);
pushRaw(
  'a duplicate barcode key in the second item',
  (c) =>
    `{"connectionId":"${c.connectionId}","items":[{"barcode":"A","quantity":1},{"barcode":"B","barcode":"C","quantity":1}]}`,
  400,
  'MALFORMED_JSON',
  'items.1.barcode',
);
pushRaw(
  'duplicate keys spelled with escapes',
  (c) => `{"connectionId":"${c.connectionId}","items":[{"barcode":"A","quantity":1,"quan\\u0074ity":2}]}`,
  400,
  'MALFORMED_JSON',
  'items.0.quantity',
);
pushRaw(
  'arrays nested 10,000 deep',
  () => `${'['.repeat(10_000)}${']'.repeat(10_000)}`,
  400,
  'MALFORMED_JSON',
);
pushRaw(
  'objects nested 100 deep',
  (c) => `{"connectionId":"${c.connectionId}","items":[${'{"a":'.repeat(100)}1${'}'.repeat(100)}]}`,
  400,
  'MALFORMED_JSON',
);
pushRaw(
  'a __proto__ key on an item',
  (c) =>
    `{"connectionId":"${c.connectionId}","items":[{"barcode":"A","quantity":1,"__proto__":{"salePrice":1}}]}`,
  400,
  'VALIDATION_FAILED',
  'items.0.__proto__',
);
pushRaw(
  'a __proto__ key on the body',
  (c) =>
    `{"connectionId":"${c.connectionId}","items":[{"barcode":"A","quantity":1}],"__proto__":{"dryRun":true}}`,
  400,
  'VALIDATION_FAILED',
  '__proto__',
);
pushRaw(
  'a JSON-escaped NUL in a barcode',
  (c) => `{"connectionId":"${c.connectionId}","items":[{"barcode":"A\\u0000B","quantity":1}]}`,
  400,
  'VALIDATION_FAILED',
  'items.0.barcode',
);
pushRaw(
  'a JSON-escaped lone surrogate in a barcode',
  (c) => `{"connectionId":"${c.connectionId}","items":[{"barcode":"A\\ud800","quantity":1}]}`,
  400,
  'VALIDATION_FAILED',
  'items.0.barcode',
);
pushRaw(
  'a low surrogate first in a barcode',
  (c) => `{"connectionId":"${c.connectionId}","items":[{"barcode":"\\udc00\\ud800","quantity":1}]}`,
  400,
  'VALIDATION_FAILED',
  'items.0.barcode',
);
add(
  'a body over 5 MiB',
  (c) => ({
    method: 'POST',
    path: '/v1/inventory/push',
    body: { ...pushOf(c, [item()]), padding: 'x'.repeat(5 * 1024 * 1024) },
  }),
  413,
  'PAYLOAD_TOO_LARGE',
);
push('a 1 MB barcode', (c) => pushOf(c, [item({ barcode: 'A'.repeat(1024 * 1024) })]), 'items.0.barcode');
push(
  '50,001 items',
  (c) =>
    pushOf(
      c,
      Array.from({ length: 50_001 }, (_, i) => ({ barcode: `B${i}`, quantity: 1 })),
    ),
  'items',
);

// ---- the push envelope -------------------------------------------------------------------------------
for (const [label, body] of [
  ['a string', 'hello'],
  ['a number', 42],
  ['null', null],
  ['an array', []],
  ['true', true],
] as const) {
  push(`a body that is ${label}`, () => body, '(body)');
}
for (const [label, connectionId] of [
  ['a number', 7],
  ['null', null],
  ['an object', { id: 'x' }],
  ['an array', ['x']],
  ['blank', ''],
  ['spaces', '   '],
  ['a NUL', 'c\u0000x'],
  ['a bidi override', 'c\u202ex'],
  ['a lone surrogate', 'c\ud800'],
  ['a slash', 'a/b'],
  ['65 characters', 'c'.repeat(65)],
  ['padded with spaces', ' cabc '],
] as const) {
  push(`connectionId as ${label}`, () => ({ connectionId, items: [item()] }), 'connectionId');
}
push('no connectionId', () => ({ items: [item()] }), 'connectionId');
push('no items', (c) => ({ connectionId: c.connectionId }), 'items');
push('empty items', (c) => pushOf(c, []), 'items');
push('items as an object', (c) => ({ connectionId: c.connectionId, items: item() }), 'items');
push('items as a string', (c) => ({ connectionId: c.connectionId, items: 'A' }), 'items');
for (const field of [
  'dryRun',
  'force',
  'forceWrite',
  'item',
  'Items',
  'connectionID',
  'sellerId',
  'constructor',
  'toString',
]) {
  push(`an unknown body field ${field}`, (c) => ({ ...pushOf(c, [item()]), [field]: true }), field);
}

// ---- push items: types, bounds, decimals, fields -----------------------------------------------------
for (const [label, quantity] of [
  ['a string', '5'],
  ['a decimal', 5.5],
  ['negative', -1],
  ['over 20,000', 20_001],
  ['true', true],
  ['null', null],
  ['an array', [5]],
  ['an object', { n: 5 }],
  ['1e21', 1e21],
  ['a hex string', '0x10'],
  ['an exponent string', '1e3'],
  ['-0.5', -0.5],
] as const) {
  push(`quantity as ${label}`, (c) => pushOf(c, [item({ quantity })]), 'items.0.quantity');
}
for (const field of ['salePrice', 'listPrice'] as const) {
  for (const [label, value] of [
    ['negative', -1],
    ['3 decimals', 10.005],
    ['3 decimals as text', '10.005'],
    ['text', 'abc'],
    ['true', true],
    ['an array', [10]],
    ['an object', { amount: 10 }],
    ['too large', 1e13],
    ['hex text', '0x10'],
    ['empty text', ''],
    ['an exponent', '1e3'],
    ['a comma decimal', '10,50'],
    ['with a currency sign', '₺10'],
    ['null', null],
  ] as const) {
    push(
      `${field} as ${label}`,
      (c) => pushOf(c, [{ barcode: 'CORPUS-1', [field]: value }]),
      `items.0.${field}`,
    );
  }
}
push(
  'listPrice below salePrice',
  (c) => pushOf(c, [item({ salePrice: 100, listPrice: 99.99 })]),
  'items.0.listPrice',
);
push('nothing to update', (c) => pushOf(c, [{ barcode: 'CORPUS-1' }]), 'items.0');
for (const currencyType of ['USD', 'try', 1, null]) {
  push(
    `currencyType ${JSON.stringify(currencyType)}`,
    (c) => pushOf(c, [item({ currencyType })]),
    'items.0.currencyType',
  );
}
for (const [label, barcode] of [
  ['empty', ''],
  ['spaces only', '   '],
  ['a number', 123],
  ['null', null],
  ['an array', ['A']],
  ['a NUL', 'A\u0000B'],
  ['SOH', 'A\u0001B'],
  ['a tab', 'A\tB'],
  ['a line feed', 'A\nB'],
  ['a carriage return', 'A\rB'],
  ['DEL', 'A\u007fB'],
  ['NEL (C1)', 'A\u0085B'],
  ['RLO', 'A\u202eB'],
  ['LRI', 'A\u2066B'],
  ['PDI', 'A\u2069B'],
  ['LRM', 'A\u200eB'],
  ['ALM', 'A\u061cB'],
  ['a lone high surrogate', 'A\ud800'],
  ['a lone low surrogate', 'A\udfff'],
  ['U+FFFF', 'A\uffff'],
  ['an accented letter', 'CAFÉ1'],
  ['a Turkish letter', 'ŞAPKA1'],
  ['Cyrillic', 'АБВ1'],
  ['an emoji', 'A😀'],
  ['a zero-width space', 'A\u200bB'],
  ['a no-break space', 'A\u00a0B'],
  ['an ideographic space', 'A\u3000B'],
  ['HTML', '<script>'],
  ['SQL', "A'; DROP TABLE jobs;--"],
  ['a comma', 'A,B'],
  ['a quote', 'A"B'],
  ['a backslash', 'A\\B'],
  ['a percent escape', 'A%00B'],
  ['a colon', 'A:B'],
  ['101 characters', 'A'.repeat(101)],
  ['a fullwidth digit', 'A１'],
] as const) {
  push(`barcode with ${label}`, (c) => pushOf(c, [item({ barcode })]), 'items.0.barcode');
}
for (const field of [
  'salesPrice',
  'price',
  'stock',
  'Barcode',
  'quantitiy',
  'currency',
  'sale_price',
  'ListPrice',
  'prototype',
  'constructor',
]) {
  push(`an unknown item field ${field}`, (c) => pushOf(c, [item({ [field]: 5 })]), `items.0.${field}`);
}
push(
  'a bad item after a good one',
  (c) => pushOf(c, [item(), item({ barcode: 'CORPUS-2', quantity: -1 })]),
  'items.1.quantity',
);
push('an item that is a number', (c) => pushOf(c, [item(), 5]), 'items.1');
push('an item that is null', (c) => pushOf(c, [null]), 'items.0');

// ---- connections: create -----------------------------------------------------------------------------
const validConnection = (c: CorpusContext) => ({
  type: 'trendyol',
  name: 'Corpus shop',
  sellerId: 100001,
  apiKey: 'corpus-key',
  apiSecret: 'corpus-secret',
  baseUrl: `${c.simulatorOrigin}/integration`,
});
const create = (name: string, change: (c: CorpusContext) => Record<string, unknown>, detailPath: string) =>
  add(
    name,
    (c) => ({ method: 'POST', path: '/v1/connections', body: { ...validConnection(c), ...change(c) } }),
    400,
    'VALIDATION_FAILED',
    detailPath,
  );
for (const [label, sellerId] of [
  ['true', true],
  ['false', false],
  ['[5]', [5]],
  ['"0x10"', '0x10'],
  ['"1e3"', '1e3'],
  ['"5.0"', '5.0'],
  ['" 5"', ' 5'],
  ['"5 "', '5 '],
  ['"+5"', '+5'],
  ['"-5"', '-5'],
  ['1.5', 1.5],
  ['0', 0],
  ['-4', -4],
  ['""', ''],
  ['null', null],
  ['{}', {}],
  ['2^53+2', 9_007_199_254_740_994],
  ['"99999999999999999"', '99999999999999999'],
  ['"５"', '５'],
  ['"1_000"', '1_000'],
] as const) {
  create(`sellerId ${label}`, () => ({ sellerId }), 'sellerId');
}
create('no sellerId', () => ({ sellerId: undefined }), 'sellerId');
for (const [label, name] of [
  ['blank', ''],
  ['spaces', '   '],
  ['a NUL', 'Shop\u0000'],
  ['a bidi override', 'Shop\u202e'],
  ['a lone surrogate', 'Shop\ud800'],
  ['a line feed', 'Shop\nINFO fake log line'],
  ['201 characters', 'S'.repeat(201)],
  ['a number', 5],
  ['null', null],
] as const) {
  create(`name as ${label}`, () => ({ name }), 'name');
}
for (const field of ['apiKey', 'apiSecret'] as const) {
  for (const [label, value] of [
    ['blank', ''],
    ['spaces', '  '],
    ['with a space', 'a b'],
    ['257 characters', 'k'.repeat(257)],
    ['non-ASCII', 'anahtarı'],
    ['a NUL', 'k\u0000'],
    ['a line feed', 'k\nx'],
    ['a number', 123],
    ['missing', undefined],
  ] as const) {
    create(`${field} ${label}`, () => ({ [field]: value }), field);
  }
}
create('apiKey with a colon', () => ({ apiKey: 'k:ey' }), 'apiKey');
for (const type of ['amazon', 'Trendyol', '', undefined, 1]) {
  create(`type ${JSON.stringify(type)}`, () => ({ type }), 'type');
}
for (const integratorName of ['a b', 'I'.repeat(31), 'Şirket', '', 'a-b']) {
  create(`integratorName ${JSON.stringify(integratorName)}`, () => ({ integratorName }), 'integratorName');
}
for (const writeRateLimitPerMinute of [300, '350', 350.5, 0, -350, 3500]) {
  create(
    `writeRateLimitPerMinute ${JSON.stringify(writeRateLimitPerMinute)}`,
    () => ({ writeRateLimitPerMinute }),
    'writeRateLimitPerMinute',
  );
}
for (const field of ['secretRef', 'id', 'status', 'createdAt', 'salePrice', 'apikey', '__proto__x']) {
  create(`an unknown connection field ${field}`, () => ({ [field]: 'x' }), field);
}
// SSRF: the local stage allows http and loopback only towards the simulator.
for (const [label, baseUrl] of [
  ['AWS metadata', () => 'http://169.254.169.254/latest/meta-data'],
  ['AWS metadata over IPv6', () => 'http://[fd00:ec2::254]/latest'],
  ['metadata as IPv4-mapped IPv6', () => 'http://[::ffff:169.254.169.254]/'],
  ['link-local', () => 'http://169.254.1.1/'],
  ['IPv6 link-local', () => 'http://[fe80::1]/'],
  ['GCP metadata', () => 'http://metadata.google.internal/computeMetadata/v1'],
  ['0.0.0.0', () => 'http://0.0.0.0:4010/'],
  ['localhost:22', () => 'http://localhost:22'],
  ['127.0.0.1:22', () => 'http://127.0.0.1:22'],
  ['the API itself', (c: CorpusContext) => `${c.apiOrigin}/v1`],
  ['loopback as a number', () => 'http://2130706433:22/'],
  ['loopback in hex', () => 'http://0x7f000001:22/'],
  ['IPv6 loopback', () => 'http://[::1]:22/'],
  ['a private address', () => 'http://10.0.0.1/integration'],
  [
    'another 127/8 address with the simulator port',
    (c: CorpusContext) => c.simulatorOrigin.replace('127.0.0.1', '127.0.0.2'),
  ],
  [
    'the simulator with userinfo',
    (c: CorpusContext) => c.simulatorOrigin.replace('http://', 'http://user:password@'),
  ],
  ['userinfo hiding another host', (c: CorpusContext) => `${c.simulatorOrigin}@evil.example/`],
  ["the simulator's request log", (c: CorpusContext) => `${c.simulatorOrigin}/__sim/requests?x=`],
  ['a fragment', (c: CorpusContext) => `${c.simulatorOrigin}/integration#x`],
  ['ftp', () => 'ftp://example.com/'],
  ['javascript:', () => 'javascript:alert(1)'],
  ['file:', () => 'file:///etc/passwd'],
  ['not a URL', () => 'not a url'],
  ['a relative path', () => '/integration'],
  ['a NUL', () => 'http://example.com/\u0000'],
  ['2,049 characters', () => `https://example.com/${'a'.repeat(2030)}`],
] as const) {
  create(`baseUrl: ${label}`, (c) => ({ baseUrl: baseUrl(c) }), 'baseUrl');
}

// ---- connections: PATCH ------------------------------------------------------------------------------
const patch = (name: string, body: unknown, detailPath: string) =>
  add(
    name,
    (c) => ({ method: 'PATCH', path: `/v1/connections/${c.connectionId}`, body }),
    400,
    'VALIDATION_FAILED',
    detailPath,
  );
patch('an empty patch', {}, '(body)');
patch('an unknown status', { status: 'deleted' }, 'status');
patch('status in capitals', { status: 'PAUSED' }, 'status');
patch('apiKey without apiSecret', { apiKey: 'new-key' }, 'apiSecret');
patch('apiSecret without apiKey', { apiSecret: 'new-secret' }, 'apiSecret');
patch('a blank name', { name: ' ' }, 'name');
patch('a name with a NUL', { name: 'a\u0000b' }, 'name');
patch('a name with a bidi override', { name: 'a\u202eb' }, 'name');
patch('a blank apiSecret in a rotation', { apiKey: 'k', apiSecret: ' ' }, 'apiSecret');
patch('an apiKey with a colon in a rotation', { apiKey: 'k:1', apiSecret: 's' }, 'apiKey');
patch('a non-ASCII apiSecret in a rotation', { apiKey: 'k', apiSecret: 'şifre' }, 'apiSecret');
patch('baseUrl (not patchable)', { baseUrl: 'http://169.254.169.254/' }, 'baseUrl');
patch('sellerId (not patchable)', { sellerId: 5 }, 'sellerId');
patch('an unknown field', { nmae: 'x' }, 'nmae');
patch('a PATCH body that is an array', [], '(body)');
patch('a PATCH body that is null', null, '(body)');

// ---- query routes ------------------------------------------------------------------------------------
const getQ = (name: string, path: (c: CorpusContext) => string, detailPath: string) =>
  add(name, (c) => ({ method: 'GET', path: path(c) }), 400, 'VALIDATION_FAILED', detailPath);
const hash = 'a'.repeat(64);
getQ('dedup without connectionId', () => `/v1/inventory/dedup?bodyHash=${hash}`, 'query.connectionId');
getQ('dedup without bodyHash', (c) => `/v1/inventory/dedup?connectionId=${c.connectionId}`, 'query.bodyHash');
getQ(
  'dedup with a short bodyHash',
  (c) => `/v1/inventory/dedup?connectionId=${c.connectionId}&bodyHash=abc`,
  'query.bodyHash',
);
getQ(
  'dedup with an uppercase bodyHash',
  (c) => `/v1/inventory/dedup?connectionId=${c.connectionId}&bodyHash=${'A'.repeat(64)}`,
  'query.bodyHash',
);
getQ(
  'dedup with a NUL in connectionId',
  () => `/v1/inventory/dedup?connectionId=c%00x&bodyHash=${hash}`,
  'query.connectionId',
);
getQ(
  'dedup with connectionId twice',
  (c) =>
    `/v1/inventory/dedup?connectionId=${c.connectionId}&connectionId=${c.pausedConnectionId}&bodyHash=${hash}`,
  'query.connectionId',
);
getQ(
  'dedup with an empty connectionId',
  () => `/v1/inventory/dedup?connectionId=&bodyHash=${hash}`,
  'query.connectionId',
);
getQ('state without connectionId', () => '/v1/inventory/state', 'query.connectionId');
getQ(
  'state with a NUL barcode',
  (c) => `/v1/inventory/state?connectionId=${c.connectionId}&barcode=A%00B`,
  'query.barcode',
);
getQ(
  'state with an accented barcode',
  (c) => `/v1/inventory/state?connectionId=${c.connectionId}&barcode=CAF%C3%89`,
  'query.barcode',
);
getQ(
  'state with a bidi override in after',
  (c) => `/v1/inventory/state?connectionId=${c.connectionId}&after=A%E2%80%AE`,
  'query.after',
);
getQ(
  'state with a lone surrogate barcode',
  (c) => `/v1/inventory/state?connectionId=${c.connectionId}&barcode=%ED%A0%80`,
  'query.barcode',
);
getQ(
  'state with barcode twice',
  (c) => `/v1/inventory/state?connectionId=${c.connectionId}&barcode=A&barcode=B`,
  'query.barcode',
);
getQ(
  'state with an empty barcode',
  (c) => `/v1/inventory/state?connectionId=${c.connectionId}&barcode=`,
  'query.barcode',
);
getQ(
  'state with a 101-character barcode',
  (c) => `/v1/inventory/state?connectionId=${c.connectionId}&barcode=${'B'.repeat(101)}`,
  'query.barcode',
);
getQ(
  'state with a control character in a parameter name',
  (c) => `/v1/inventory/state?connectionId=${c.connectionId}&x%01=1`,
  'query',
);
getQ(
  'state with a SQL barcode',
  (c) => `/v1/inventory/state?connectionId=${c.connectionId}&barcode=${encodeURIComponent("' OR 1=1--")}`,
  'query.barcode',
);

// Review findings (each was answered 2xx or 500 before): a body on a route that takes none, forged
// paging cursors, and an empty settings object.
const forged = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
add(
  'sync with its dry-run flag sent as a JSON body',
  (c) => ({ method: 'POST', path: `/v1/connections/${c.connectionId}/sync`, body: { dryRun: true } }),
  400,
  'VALIDATION_FAILED',
  'body',
);
for (const [what, cursor] of [
  ['a NUL', forged({ after: '\u0000' })],
  ['an unpaired surrogate', forged({ after: 'a\ud800' })],
  ['an extra key', forged({ after: 'A', x: 1 })],
  ['a non-barcode', forged({ after: 'é' })],
] as const) {
  for (const route of ['/v1/catalog/variants', '/v1/inventory/held', '/v1/inventory/drift']) {
    add(
      `${route} with a forged cursor holding ${what}`,
      (c) => ({ method: 'GET', path: `${route}?connectionId=${c.connectionId}&cursor=${cursor}` }),
      400,
      'VALIDATION_FAILED',
      'query.cursor',
    );
  }
}
add(
  'PATCH with an empty settings object',
  (c) => ({ method: 'PATCH', path: `/v1/connections/${c.connectionId}`, body: { settings: {} } }),
  400,
  'VALIDATION_FAILED',
  'settings',
);

export const BAD_INPUT_CORPUS: readonly CorpusCase[] = cases;
