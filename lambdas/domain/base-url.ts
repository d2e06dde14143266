import { BlockList, isIP } from 'node:net';
import { ValidationError } from './validation-error';

export const TRENDYOL_PROD_BASE_URL = 'https://apigw.trendyol.com/integration';
export const TRENDYOL_STAGE_BASE_URL = 'https://stageapigw.trendyol.com/integration';
/** Trendyol's API hosts (trendyol-contract.md, endpoints). */
export const TRENDYOL_HOSTS: ReadonlySet<string> = new Set(['apigw.trendyol.com', 'stageapigw.trendyol.com']);

/**
 * Where a connection's base URL may point, per stage:
 * - `trendyol-only` (prod; `ALLOW_CUSTOM_BASE_URL=false`): https on Trendyol's hosts only;
 * - `custom` (dev; `ALLOW_CUSTOM_BASE_URL=true`): any https host except loopback, private, link-local
 *   and metadata addresses (a simulator deployed on a public name);
 * - `local` (the local stack; `ECI_LOCAL_BASE_URLS` set): http is allowed, and a loopback or private
 *   address only as one of `allowedOrigins` (the simulator's `http://127.0.0.1:4010`), so a connection
 *   cannot reach `localhost:22`, the API itself or any other local service.
 * On every stage: no `user:password@`, no query or fragment, no link-local or cloud metadata address.
 */
export type BaseUrlPolicy =
  | { kind: 'trendyol-only' }
  | { kind: 'custom' }
  | { kind: 'local'; allowedOrigins: readonly string[] };

/** Link-local and metadata endpoints (AWS IMDS 169.254.169.254 and fd00:ec2::254, GCP, Azure, Alibaba). */
const ALWAYS_REFUSED = new BlockList();
ALWAYS_REFUSED.addSubnet('169.254.0.0', 16, 'ipv4');
ALWAYS_REFUSED.addSubnet('0.0.0.0', 8, 'ipv4');
ALWAYS_REFUSED.addAddress('100.100.100.200', 'ipv4');
ALWAYS_REFUSED.addSubnet('fe80::', 10, 'ipv6');
ALWAYS_REFUSED.addAddress('fd00:ec2::254', 'ipv6');
ALWAYS_REFUSED.addAddress('::', 'ipv6');
const METADATA_NAMES = new Set([
  'metadata',
  'metadata.google.internal',
  'instance-data',
  'instance-data.ec2.internal',
]);

/** Loopback and private ranges: reachable only from inside the network ECI runs in. */
const INTERNAL = new BlockList();
INTERNAL.addSubnet('127.0.0.0', 8, 'ipv4');
INTERNAL.addSubnet('10.0.0.0', 8, 'ipv4');
INTERNAL.addSubnet('172.16.0.0', 12, 'ipv4');
INTERNAL.addSubnet('192.168.0.0', 16, 'ipv4');
INTERNAL.addSubnet('100.64.0.0', 10, 'ipv4');
INTERNAL.addAddress('::1', 'ipv6');
INTERNAL.addSubnet('fc00::', 7, 'ipv6');

/** An IPv4-mapped IPv6 address (`::ffff:a9fe:a9fe`) as its IPv4 form, so mapped forms meet the same rules. */
function unmapped(address: string): { address: string; family: 'ipv4' | 'ipv6' } {
  const m = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(address);
  if (m) {
    const hi = Number.parseInt(m[1] ?? '0', 16);
    const lo = Number.parseInt(m[2] ?? '0', 16);
    return { address: `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`, family: 'ipv4' };
  }
  const dotted = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (dotted) return { address: dotted[1] ?? '', family: 'ipv4' };
  return { address, family: isIP(address) === 6 ? 'ipv6' : 'ipv4' };
}

/**
 * A host name as DNS treats it: IPv6 brackets off, lower case, and the root's trailing dot dropped
 * (`LOCALHOST.` and `metadata.google.internal.` name the same hosts as without the dot).
 */
function bareHost(host: string): string {
  return host
    .replace(/^\[|\]$/g, '')
    .toLowerCase()
    .replace(/\.+$/, '');
}

/**
 * Why an address or host name may never be called on any stage (link-local, metadata, unspecified),
 * or undefined. `host` is a URL hostname (IPv6 in brackets is accepted) or a resolved address.
 */
export function forbiddenAddressReason(host: string): string | undefined {
  const bare = bareHost(host);
  if (METADATA_NAMES.has(bare)) return `${bare} is a cloud metadata host`;
  if (isIP(bare) === 0) return undefined;
  const { address, family } = unmapped(bare);
  if (ALWAYS_REFUSED.check(address, family))
    return `${bare} is a link-local, metadata or unspecified address`;
  return undefined;
}

/** Whether a hostname is loopback or private (`localhost`, `*.localhost`, 127/8, 10/8, ::1, fc00::/7…). */
export function isInternalHost(host: string): boolean {
  const bare = bareHost(host);
  if (bare === 'localhost' || bare.endsWith('.localhost')) return true;
  if (isIP(bare) === 0) return false;
  const { address, family } = unmapped(bare);
  return INTERNAL.check(address, family);
}

function refuse(message: string): never {
  throw new ValidationError('The connection is invalid.', [{ path: 'baseUrl', message }]);
}

/**
 * Checks a connection's base URL against the stage's {@link BaseUrlPolicy} and returns it without a
 * trailing slash; an absent or empty one means Trendyol production.
 * @throws ValidationError (path `baseUrl`) naming the rule broken.
 */
export function checkBaseUrl(raw: string | undefined, policy: BaseUrlPolicy): string {
  if (raw === undefined || raw === '') return TRENDYOL_PROD_BASE_URL;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return refuse('must be an absolute URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return refuse('must be http(s)');
  if (url.username !== '' || url.password !== '') {
    return refuse('must not contain user:password@ (credentials belong in apiKey and apiSecret)');
  }
  if (url.search !== '' || url.hash !== '' || raw.includes('?') || raw.includes('#')) {
    return refuse('must not contain a query or fragment');
  }
  const forbidden = forbiddenAddressReason(url.hostname);
  if (forbidden) return refuse(`must not point at ${forbidden}`);
  const isTrendyol = url.protocol === 'https:' && TRENDYOL_HOSTS.has(url.hostname) && url.port === '';
  if (policy.kind === 'trendyol-only') {
    if (!isTrendyol) {
      return refuse(`must be ${TRENDYOL_PROD_BASE_URL} or ${TRENDYOL_STAGE_BASE_URL} on this stage`);
    }
  } else if (policy.kind === 'custom') {
    if (url.protocol !== 'https:') return refuse('must use https on this stage');
    if (isInternalHost(url.hostname)) {
      return refuse(`must not point at a loopback or private address (${url.hostname}) on this stage`);
    }
  } else if (isInternalHost(url.hostname) && !policy.allowedOrigins.includes(url.origin)) {
    const allowed = policy.allowedOrigins.join(', ') || 'none';
    return refuse(
      `may point at ${url.origin} only if it is a local endpoint ECI knows (allowed: ${allowed})`,
    );
  }
  return raw.replace(/\/+$/, '');
}
