import { describe, expect, it } from 'vitest';
import { decodeShareFragment, encodeShareFragment, encodeShareFragmentWithin, MAX_FRAGMENT_CHARS, shareFragmentOf } from './share-link.ts';
import { sampleCache, sampleDocument, sampleRun } from './fixtures.ts';

async function gzipBase64Url(text: string | Uint8Array): Promise<string> {
  const stream = new Blob([text as BlobPart]).stream().pipeThrough(new CompressionStream('gzip'));
  return Buffer.from(await new Response(stream).arrayBuffer()).toString('base64url');
}

describe('share links', () => {
  it('round-trip a document through the fragment', async () => {
    const doc = sampleDocument();
    const fragment = await encodeShareFragment(doc);
    expect(fragment).toMatch(/^share=[A-Za-z0-9_-]+$/);
    expect(await decodeShareFragment(fragment)).toEqual({ ok: true, document: doc });
  });

  it('carry the engine-reported timings of a web-llm run', async () => {
    const engineTimings = { source: 'web-llm usage.extra', ttftMs: 312, prefillTps: 850, decodeTps: 42.1, timePerOutputTokenMs: 23.7, e2eLatencyMs: 2410 } as const;
    const doc = sampleDocument([{ ...sampleRun, engine: 'web-llm', engineTimings }]);
    const decoded = await decodeShareFragment(await encodeShareFragment(doc));
    expect(decoded.ok && decoded.document.runs[0]!.engineTimings).toEqual(engineTimings);
  });

  it('carry the response cache section, marked as not a measurement', async () => {
    const doc = { ...sampleDocument(), responseCache: sampleCache };
    const decoded = await decodeShareFragment(await encodeShareFragment(doc));
    expect(decoded).toEqual({ ok: true, document: doc });
    expect(decoded.ok && decoded.document.responseCache?.measurement).toBe(false);
  });

  it('finds the fragment in a location hash', () => {
    expect(shareFragmentOf('#share=abc')).toBe('share=abc');
    expect(shareFragmentOf('#other')).toBeNull();
    expect(shareFragmentOf('')).toBeNull();
  });

  it('keeps the newest runs that fit the cap', async () => {
    const runs = Array.from({ length: 400 }, (_, i) => ({ ...sampleRun, at: sampleRun.at + i, decodeTps: 100 + Math.random() * 300, ttftMs: Math.random() * 50 }));
    const within = await encodeShareFragmentWithin(sampleDocument(runs), 8000);
    if (!within.ok) throw new Error(`no link: ${within.why}`);
    expect(within.fragment.length).toBeLessThanOrEqual(8000);
    expect(within.runs).toBeLessThan(400);
    const decoded = await decodeShareFragment(within.fragment);
    expect(decoded.ok && decoded.document.runs[0]).toEqual(expect.objectContaining({ at: sampleRun.at }));
    expect(decoded.ok && decoded.document.scenarios).toEqual(sampleDocument().scenarios);
  });

  it('never drops a scenario result to fit: over the cap, it says the scenarios are too long, with the size', async () => {
    const doc = sampleDocument();
    const big = { ...doc, scenarios: doc.scenarios.map((s) => ({ ...s, note: Array.from({ length: 2000 }, () => String.fromCharCode(33 + Math.floor(Math.random() * 90))).join('') })) };
    const within = await encodeShareFragmentWithin(big, 1500);
    expect(within).toEqual({ ok: false, why: 'scenarios', chars: expect.any(Number) });
    expect(!within.ok && within.chars).toBe((await encodeShareFragment({ ...big, runs: [] })).length);
    expect(!within.ok && within.chars).toBeGreaterThan(1500);
  });

  it('says so when the scenarios fit but not even the newest run beside them', async () => {
    const doc = sampleDocument();
    const bare = (await encodeShareFragment({ ...doc, runs: [] })).length;
    const within = await encodeShareFragmentWithin(doc, bare + 5);
    expect(within).toEqual({ ok: false, why: 'run', chars: (await encodeShareFragment(doc)).length });
  });

  it('holds one scenario on the device and on two servers, side by side after the round trip', async () => {
    const doc = sampleDocument();
    const device = doc.scenarios[0]!;
    const onServer = (host: string) => ({ ...device, fingerprint: { ...device.fingerprint, server: { host, model: 'qwen2.5-7b', kind: 'llama.cpp' as const } } });
    const three = { ...doc, scenarios: [device, onServer('10.0.0.5:8080'), onServer('10.0.0.6:8080')] };
    expect(await decodeShareFragment(await encodeShareFragment(three))).toEqual({ ok: true, document: three });
  });

  it.each([
    { name: 'not a share link', fragment: 'other=1', error: 'it is not a Wirthforge share link' },
    { name: 'bad base64', fragment: 'share=***', error: 'its data is not valid base64url (was it cut or edited?)' },
    { name: 'an empty payload', fragment: 'share=', error: 'its data is not valid base64url (was it cut or edited?)' },
    { name: 'an oversized link', fragment: 'share=' + 'A'.repeat(MAX_FRAGMENT_CHARS), error: `the link is ${MAX_FRAGMENT_CHARS + 6} characters long; at most ${MAX_FRAGMENT_CHARS} are accepted` },
  ])('refuses $name', async ({ fragment, error }) => {
    expect(await decodeShareFragment(fragment)).toEqual({ ok: false, errors: [error] });
  });

  it('refuses truncated gzip, gzip of non-JSON, a zip bomb, and JSON that fails the schema', async () => {
    const good = await encodeShareFragment(sampleDocument());
    expect(await decodeShareFragment(good.slice(0, good.length - 20))).toEqual({ ok: false, errors: ['its data is damaged: it does not decompress (was it cut short?)'] });
    expect(await decodeShareFragment('share=' + (await gzipBase64Url('<script>alert(1)</script>')))).toEqual({ ok: false, errors: ['its data is not valid JSON'] });
    // 10 MB of spaces compress to ~10 KB: the inflation cap stops it.
    expect(await decodeShareFragment('share=' + (await gzipBase64Url(new Uint8Array(10 * 1024 * 1024).fill(32))))).toEqual({ ok: false, errors: ['its data inflates to more than 256 KB'] });
    const wrong = await decodeShareFragment('share=' + (await gzipBase64Url(JSON.stringify({ kind: 'wirthforge-results' }))));
    expect(!wrong.ok && wrong.errors).toContain('schemaVersion: missing');
  });
});
