import { describe, expect, it } from 'vitest';
import { ISOLATION_HEADERS, hasIsolationHeaders, withIsolationHeaders } from './isolation.ts';

describe('withIsolationHeaders', () => {
  it('adds COOP, COEP and CORP and keeps status, other headers and the body', async () => {
    const original = new Response('body text', { status: 200, statusText: 'OK', headers: { 'Content-Type': 'text/html', 'X-Other': '1' } });
    const out = withIsolationHeaders(original);
    expect(out.headers.get('Cross-Origin-Opener-Policy')).toBe('same-origin');
    expect(out.headers.get('Cross-Origin-Embedder-Policy')).toBe('require-corp');
    expect(out.headers.get('Cross-Origin-Resource-Policy')).toBe('same-origin');
    expect(out.headers.get('Content-Type')).toBe('text/html');
    expect(out.headers.get('X-Other')).toBe('1');
    expect(out.status).toBe(200);
    expect(out.statusText).toBe('OK');
    expect(await out.text()).toBe('body text');
  });

  it('keeps partial responses partial', async () => {
    const original = new Response('bcd', { status: 206, headers: { 'Content-Range': 'bytes 1-3/10', 'Content-Length': '3' } });
    const out = withIsolationHeaders(original);
    expect(out.status).toBe(206);
    expect(out.headers.get('Content-Range')).toBe('bytes 1-3/10');
    expect(await out.text()).toBe('bcd');
  });

  it('overrides a weaker policy sent by the host', () => {
    const out = withIsolationHeaders(new Response('', { headers: { 'Cross-Origin-Embedder-Policy': 'unsafe-none' } }));
    expect(hasIsolationHeaders(out.headers)).toBe(true);
  });

  it('returns a response that already has them as it is, and leaves error responses alone', () => {
    const already = new Response('', { headers: ISOLATION_HEADERS });
    expect(withIsolationHeaders(already)).toBe(already);
    const error = Response.error();
    expect(withIsolationHeaders(error)).toBe(error);
  });

  it('handles bodiless statuses', () => {
    const out = withIsolationHeaders(new Response(null, { status: 304 }));
    expect(out.status).toBe(304);
    expect(hasIsolationHeaders(out.headers)).toBe(true);
  });
});
