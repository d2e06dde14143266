import { describe, expect, it } from 'vitest';
import { forbiddenAddressReason, isInternalHost } from '../../../lambdas/domain/base-url';
import {
  batchRequestIdSchema,
  ecIdSchema,
  findUnsafeCharacter,
  safeText,
} from '../../../lambdas/domain/text';
import { findJsonStructureProblem } from '../../../lambdas/handlers/http/json-structure';

describe('findUnsafeCharacter', () => {
  it.each([
    ['a\u0000b', 'NUL (U+0000) at position 1'],
    ['\u001b[31m', 'a control character (U+001B) at position 0'],
    ['x\u007f', 'a control character (U+007F) at position 1'],
    ['x\u0085', 'a control character (U+0085) at position 1'],
    ['ab\ud800', 'an unpaired surrogate (U+D800) at position 2'],
    ['\udc00x', 'an unpaired surrogate (U+DC00) at position 0'],
    ['abc\u202e', 'a bidirectional control character (U+202E) at position 3'],
    ['\u2067', 'a bidirectional control character (U+2067) at position 0'],
    ['x\uffff', 'a non-character (U+FFFF) at position 1'],
  ])('names what is wrong in %j', (text, reason) => {
    expect(findUnsafeCharacter(text)).toBe(reason);
  });

  it.each(['Mağaza Şube 1', 'emoji 😀 pairs are fine', 'tab-free ascii', 'ü', ''])('accepts %j', (text) => {
    expect(findUnsafeCharacter(text)).toBeUndefined();
  });
});

describe('text schemas', () => {
  it('safeText trims, refuses blank, long and unsafe text', () => {
    const name = safeText(5);
    expect(name.parse('  abc ')).toBe('abc');
    expect(name.safeParse('   ').success).toBe(false);
    expect(name.safeParse('abcdef').success).toBe(false);
    expect(name.safeParse('a\u0000').error?.issues).toHaveLength(1);
  });

  it('ids and batch ids keep to their alphabets', () => {
    expect(ecIdSchema.safeParse('cmkcu0y9b0001e61wpzl1s331').success).toBe(true);
    expect(ecIdSchema.safeParse('a.b').success).toBe(false);
    expect(batchRequestIdSchema.safeParse('0a1b2c3d-aaaa-bbbb-cccc-000000000000-1700000000').success).toBe(
      true,
    );
    expect(batchRequestIdSchema.safeParse('../x').success).toBe(false);
  });
});

describe('base-url address checks', () => {
  it.each([
    ['169.254.169.254', true],
    ['[fd00:ec2::254]', true],
    ['[::ffff:169.254.169.254]', true],
    ['[::ffff:a9fe:a9fe]', true],
    ['[fe80::1]', true],
    ['0.0.0.0', true],
    ['METADATA.google.internal', true],
    // The root's trailing dot names the same host (review finding: these passed before).
    ['metadata.google.internal.', true],
    ['instance-data.', true],
    ['100.100.100.200', true],
    ['127.0.0.1', false],
    ['apigw.trendyol.com', false],
    ['8.8.8.8', false],
  ])('%s is forbidden on every stage: %s', (host, forbidden) => {
    expect(forbiddenAddressReason(host) !== undefined).toBe(forbidden);
  });

  it.each([
    ['localhost', true],
    ['localhost.', true],
    ['LOCALHOST.', true],
    ['api.localhost', true],
    ['127.0.0.2', true],
    ['[::1]', true],
    ['[::ffff:7f00:1]', true],
    ['10.1.2.3', true],
    ['172.20.0.1', true],
    ['192.168.1.1', true],
    ['[fd12::1]', true],
    ['example.com', false],
    ['8.8.8.8', false],
  ])('%s is internal: %s', (host, internal) => {
    expect(isInternalHost(host)).toBe(internal);
  });
});

describe('findJsonStructureProblem', () => {
  it('accepts ordinary JSON, including equal keys in different objects and keys inside strings', () => {
    expect(findJsonStructureProblem('{"a":1,"b":[{"a":1},{"a":"\\"a\\":"}]}')).toBeUndefined();
  });

  it('starts every object and array afresh (keys and positions of an earlier sibling do not carry over)', () => {
    expect(findJsonStructureProblem('{"a":{"x":1,"y":[1,2]},"b":{"x":1,"y":[3]}}')).toBeUndefined();
    expect(findJsonStructureProblem('[{"a":1},[1,2],{"b":1,"b":2}]')).toEqual({
      path: '2.b',
      message: 'the key "b" is given twice',
    });
    expect(findJsonStructureProblem('{"items":[[0,1,2],{"q":1},{"r":{"s":1,"s":2}}]}')).toEqual({
      path: 'items.2.r.s',
      message: 'the key "s" is given twice',
    });
  });

  it('finds a repeated key with its path, also when spelled with an escape', () => {
    expect(findJsonStructureProblem('{"items":[{"x":1},{"q":1,"\\u0071":2}]}')).toEqual({
      path: 'items.1.q',
      message: 'the key "q" is given twice',
    });
    expect(findJsonStructureProblem('{"a":1,"a":2}')).toEqual({
      path: 'a',
      message: 'the key "a" is given twice',
    });
  });

  it('refuses nesting deeper than 16 levels', () => {
    expect(findJsonStructureProblem(`${'['.repeat(16)}${']'.repeat(16)}`)).toBeUndefined();
    expect(findJsonStructureProblem(`${'['.repeat(17)}${']'.repeat(17)}`)?.message).toMatch(/deeper than 16/);
  });
});
