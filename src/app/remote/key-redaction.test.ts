/**
 * The API key of an inference server never appears in anything the app writes down or hands out:
 * run records, result documents, share links, CSV exports, performance reports, the audit log and its
 * export, the scheduler's snapshots. The key here is used for real (the scripted server checks it and
 * echoes it back in its refusal, as careless servers do), then every document is serialised and searched.
 */
import { describe, expect, it } from 'vitest';
import { RemoteEngine, type RemoteEngineDeps } from '../../workers/remote-engine.ts';
import { buildRunRecord } from '../../metrics/run-record.ts';
import { buildResultDocument } from '../../results/result-document.ts';
import { encodeShareFragment } from '../../results/share-link.ts';
import { runsToCsv } from '../../results/csv.ts';
import { buildPerfReport } from '../../results/perf-report.ts';
import { deviceSummary } from '../../results/device-summary.ts';
import { auditExport } from '../council/audit-export.ts';
import { Scheduler } from '../../scheduler/scheduler.ts';
import { InProcessTransport } from '../../workers/transport.ts';
import { TIER_PROFILES } from '../../tiers/profiles.ts';
import type { AuditEvent, MemberConfig, TurnOutcome } from '../../scheduler/protocol.ts';
import type { AuditRecord } from '../../scheduler/audit-log.ts';
import { addEndpoint, memberOf, remoteChoices, scenarioTargetOf } from './endpoint-list.ts';
import { decodeShareFragment } from '../../results/share-link.ts';
import { runScenario } from '../../scenarios/run-scenario.ts';
import { scenarioFingerprint } from '../../scenarios/fingerprint.ts';
import { plansFor } from '../../scenarios/plans.ts';
import type { ScenarioContext } from '../../scenarios/context.ts';

const KEY = 'sk-secret-0123456789abcdef';

/** A stand-in server: answers with the key it was given, refuses (and echoes) a wrong one. */
function scriptedServer(expectedKey: string): RemoteEngineDeps {
  return {
    fetch: (async (input: RequestInfo | URL, init: RequestInit = {}) => {
      const auth = (init.headers as Record<string, string> | undefined)?.['Authorization'] ?? '';
      if (auth !== `Bearer ${expectedKey}`) return new Response(JSON.stringify({ error: { message: `invalid key: ${auth.replace('Bearer ', '')}` } }), { status: 401 });
      if (String(input).endsWith('/models')) return Response.json({ data: [{ id: 'wf-tiny' }] });
      const body = ['b', 'c', 'd'].map((c) => `data: {"choices":[{"delta":{"content":"${c}"}}]}\n\n`).join('') +
        'data: {"choices":[{"delta":{},"finish_reason":"length"}],"usage":{"prompt_tokens":1,"completion_tokens":3},"timings":{"prompt_n":1,"prompt_ms":1,"predicted_n":3,"predicted_ms":3}}\n\ndata: [DONE]\n\n';
      return new Response(body, { headers: { 'Content-Type': 'text/event-stream' } });
    }) as typeof fetch,
    now: () => performance.now(),
    wallNow: () => Date.now(),
    pageOrigin: 'http://127.0.0.1:4321',
    setTimeout: (cb, ms) => setTimeout(cb, ms),
    clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
  };
}

function endpointWithKey(key: string) {
  const added = addEndpoint([], { baseUrl: 'http://127.0.0.1:4330', apiKey: key, model: 'wf-tiny', slots: 2 }, 'http://127.0.0.1:4321');
  if (!added.ok) throw new Error(added.message);
  return { ...added.endpoint, consented: true };
}

describe('the API key is never written down', () => {
  it('run records, result documents, share links, CSV and performance reports', async () => {
    const endpoint = endpointWithKey(KEY);
    const [choice] = remoteChoices([endpoint]);
    const engine = new RemoteEngine(scriptedServer(KEY));
    const load = await engine.load({ modelId: choice!.id, device: 'auto', remote: memberOf(endpoint).connection }, () => undefined);
    const arrivals: number[] = [];
    const result = await engine.generate({ prompt: 'a', maxNewTokens: 3 }, (t) => arrivals.push(t.atMs), new AbortController().signal);
    expect(result.text).toBe('bcd');
    const record = buildRunRecord({ at: Date.now(), appVersion: 'test', prompt: 'a', load, result, page: { sentAtMs: result.startedAtMs, arrivalTimesMs: arrivals, endedAtMs: arrivals.at(-1)! } });
    expect(record.modelId).toBe('remote:127.0.0.1:4330/wf-tiny');
    expect(record.engineTimings?.source).toBe('llama.cpp timings');
    const document = buildResultDocument({ appVersion: 'test', now: Date.now(), device: deviceSummary(null, null), runs: [record] });
    const written = {
      loadInfo: JSON.stringify(load),
      record: JSON.stringify(record),
      document: JSON.stringify(document),
      shareLink: await encodeShareFragment(document),
      csv: runsToCsv(document.runs),
      report: JSON.stringify(buildPerfReport({ appVersion: 'test', now: new Date(), userAgent: 'node', device: null, runs: [record], audit: [] })),
      choices: JSON.stringify(remoteChoices([endpoint]).map(({ id, label, hint }) => ({ id, label, hint }))),
    };
    for (const [what, text] of Object.entries(written)) expect(text, what).not.toContain(KEY);
  });

  it('a scenario result measured against the server: its fingerprint names host and model, its document and share link carry no key', async () => {
    const endpoint = endpointWithKey(KEY);
    const target = scenarioTargetOf(endpoint);
    expect(target.connection.apiKey).toBe(KEY);
    const ctx: ScenarioContext = {
      setting: 'quick',
      plans: plansFor('quick'),
      machine: { report: null, calibration: null, profile: TIER_PROFILES.low, budget: { bytes: 2e9, perModelMaxBytes: null }, models: [], shapeOf: async () => null },
      target,
      appVersion: 'test',
      signal: new AbortController().signal,
      subscribeFrames: () => () => {},
      progress: () => {},
    };
    const results = [
      await runScenario({ id: 'sustained', title: 'Sustained stream', summary: '', run: async (c) => ({ fingerprint: scenarioFingerprint(c, { engine: 'remote (llama.cpp)', model: 'wf-tiny', dtype: 'n/a', threads: null }), criteria: [{ name: 'No errors', target: '0', measured: '0 errors', pass: true }], metrics: {} }) }, ctx),
      await runScenario({ id: 'burst', title: 'Prompt burst', summary: '', run: async () => Promise.reject(new Error(`refused by the server`)) }, ctx),
      await runScenario({ id: 'context-sweep', title: 'Context sweep', summary: '', run: async () => Promise.reject(new Error('not run')) }, ctx),
    ];
    expect(results.map((r) => r.status)).toEqual(['pass', 'error', 'not-available']);
    for (const r of results) expect(r.fingerprint.server).toEqual({ host: '127.0.0.1:4330', model: 'wf-tiny', kind: 'other' });
    const document = buildResultDocument({ appVersion: 'test', now: Date.now(), device: deviceSummary(null, null), runs: [], scenarios: results });
    const link = await encodeShareFragment(document);
    const decoded = await decodeShareFragment(link);
    expect(decoded.ok && decoded.document.scenarios.map((s) => s.fingerprint.server?.host)).toEqual(['127.0.0.1:4330', '127.0.0.1:4330', '127.0.0.1:4330']);
    for (const [what, text] of Object.entries({ results: JSON.stringify(results), document: JSON.stringify(document), shareLink: link, decodedLink: JSON.stringify(decoded) })) {
      expect(text, what).not.toContain(KEY);
      expect(text, what).not.toContain('http://127.0.0.1:4330');
    }
  });

  it('the audit log, its export and the scheduler snapshot, when the server refuses and echoes the key', async () => {
    const endpoint = endpointWithKey(KEY);
    const [choice] = remoteChoices([endpoint]);
    const audits: AuditEvent[] = [];
    const scheduler = new Scheduler({
      profile: TIER_PROFILES.low,
      budget: { bytes: 2e9, perModelMaxBytes: null },
      // The server expects another key: it answers 401 and repeats the one it got.
      createTransport: () => new InProcessTransport(new RemoteEngine(scriptedServer('another-key'))),
      events: { audit: (e) => audits.push(e) },
    });
    const member: MemberConfig = { id: '1-remote', label: choice!.label, engine: 'remote', modelId: choice!.id, device: 'auto', footprintBytes: 0, remote: memberOf(endpoint) };
    scheduler.setCouncil([member]);
    const answer = scheduler.submit({ prompt: 'a', maxNewTokens: 3 });
    if (!answer.accepted) throw new Error(answer.message);
    const outcome: TurnOutcome = await scheduler.whenDone(answer.turnId);
    expect(outcome.jobs[0]!.status).toBe('failed');
    expect(outcome.jobs[0]!.error!.message).toMatch(/401 Unauthorized.*\[API key\]/);
    const records: AuditRecord[] = audits.map((e, i) => ({ ...e, id: i, loggedAt: Date.now(), session: 's' }));
    const written = {
      audit: JSON.stringify(records),
      auditExport: JSON.stringify(auditExport([...records].reverse(), new Date(), null)),
      outcome: JSON.stringify(outcome),
      snapshot: JSON.stringify(scheduler.snapshot()),
      report: JSON.stringify(buildPerfReport({ appVersion: 'test', now: new Date(), userAgent: 'node', device: null, runs: [], audit: records })),
    };
    expect(records.some((r) => r.kind === 'fail')).toBe(true);
    for (const [what, text] of Object.entries(written)) expect(text, what).not.toContain(KEY);
    await scheduler.shutdown();
  });
});
