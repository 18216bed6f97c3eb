import { describe, expect, it } from 'vitest';
import { cleanPath, escapePath, goPathClean, parseTarget, percentDecode } from '../../src/http/path.js';

describe('goPathClean (Go path.Clean)', () => {
  it.each([
    ['', '.'],
    ['/', '/'],
    ['//v1//version', '/v1/version'],
    ['/v1/./version/', '/v1/version'],
    ['/v1/hosts/../version', '/v1/version'],
    ['/../..', '/'],
    ['a/../..', '..'],
    ['../a/..', '..'],
    ['/v1/hosts/.*', '/v1/hosts/.*'],
    ['/a/b/..', '/a'],
  ])('%j → %j', (input, out) => {
    expect(goPathClean(input)).toBe(out);
  });
});

describe('cleanPath (ServeMux)', () => {
  it('keeps a trailing slash and roots the path', () => {
    expect(cleanPath('/v1/version/')).toBe('/v1/version/');
    expect(cleanPath('/v1//version//')).toBe('/v1/version/');
    expect(cleanPath('v1')).toBe('/v1');
    expect(cleanPath('')).toBe('/');
    expect(cleanPath('/')).toBe('/');
  });
});

describe('parseTarget', () => {
  it('splits the query and percent-decodes the path as UTF-8 bytes', () => {
    expect(parseTarget('/v1/hosts/web%2Emarathon.mesos?x=%2F')).toEqual({
      path: '/v1/hosts/web.marathon.mesos',
      rawQuery: 'x=%2F',
    });
    expect(parseTarget('/v1/hosts/caf%C3%A9')).toEqual({ path: '/v1/hosts/café', rawQuery: '' });
    expect(parseTarget('/a+b')).toEqual({ path: '/a+b', rawQuery: '' });
    expect(parseTarget('http://example.invalid/v1/version?q')).toEqual({
      path: '/v1/version',
      rawQuery: 'q',
    });
  });

  it('rejects bad escapes and unparseable targets', () => {
    expect(parseTarget('/v1/%zz')).toBeNull();
    expect(parseTarget('/v1/%4')).toBeNull();
    expect(parseTarget('*')).toBeNull();
    expect(percentDecode('%41%62c')).toBe('Abc');
  });
});

describe('escapePath (Location of a redirect)', () => {
  it('escapes like Go url.URL.EscapedPath', () => {
    expect(escapePath('/v1/hosts/a b?é*')).toBe('/v1/hosts/a%20b%3F%C3%A9%2A');
    expect(escapePath('/a-_.~$&+,:;=@/b')).toBe('/a-_.~$&+,:;=@/b');
  });
});
