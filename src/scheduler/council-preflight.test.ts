import { describe, expect, it } from 'vitest';
import { modelFootprint, type ModelSpec } from '../tiers/index.ts';
import { checkCouncil, footprintOnlySpec, memoryText, refusalText, type PreflightMember } from './council-preflight.ts';
import { SIMULATED_CHOICES } from './member-choices.ts';

const sim = (key: string, slot: number): PreflightMember => {
  const choice = SIMULATED_CHOICES.find((c) => c.key === key)!;
  return { name: `${choice.modelId} #${slot}`, spec: choice.spec };
};
const budget = (bytes: number) => ({ bytes, perModelMaxBytes: null });

describe('checkCouncil', () => {
  it.each([
    {
      name: 'Low, one member: ok, with its share of the budget',
      members: [sim('sim-fast', 1)],
      tier: 'low',
      verdict: 'ok',
      cap: 'Low: 1 member at a time, up to 6 in the queue',
      memory: 'memory budget 6.4 GB, the member needs 146 MB',
      message: /^simulated-fast #1 \(q8\) needs 146 MB of the 6\.4 GB budget \(2 %\)\.$/,
      suggestion: null,
    },
    {
      name: 'Low, two members: they queue (a warning, not a refusal)',
      members: [sim('sim-fast', 1), sim('sim-slow', 2)],
      tier: 'low',
      verdict: 'warn',
      cap: 'Low: 1 member at a time, up to 6 in the queue',
      memory: 'memory budget 6.4 GB, the 2 members need 590 MB in all',
      message: /^Low tier runs one member at a time: the other 1 wait in the queue/,
      suggestion: 'Expect each answer to take as long as all members in a row; a council of 1 answers fastest here.',
    },
    {
      name: 'Mid, four members: over the cap, fewer members suggested',
      members: [1, 2, 3, 4].map((i) => sim('sim-fast', i)),
      tier: 'mid',
      verdict: 'refuse',
      cap: 'Mid: 2 members at once (3 if they all fit)',
      memory: 'memory budget 6.4 GB, the 4 members need 582 MB in all',
      message: /^Mid tier runs at most 3 council members; this council has 4\.$/,
      suggestion: 'Remove 1 member.',
    },
    {
      name: 'Mid, three large ones: over the budget, fewer members suggested',
      members: [1, 2, 3].map((i) => sim('sim-large', i)),
      tier: 'mid',
      verdict: 'refuse',
      cap: 'Mid: 2 members at once (3 if they all fit)',
      memory: 'memory budget 6.4 GB, the 3 members need 12.7 GB in all',
      message: /^The 3 members need 12\.7 GB together, budget 6\.4 GB\.$/,
      suggestion: 'Use fewer members: without simulated-large #1, simulated-large #2 the other 1 need 4.2 GB.',
    },
    {
      name: 'High, six small ones: ok',
      members: [1, 2, 3, 4, 5, 6].map((i) => sim('sim-fast', i)),
      tier: 'high',
      verdict: 'ok',
      cap: 'High: up to 6 members at once',
      memory: 'memory budget 6.4 GB, the 6 members need 873 MB in all',
      message: /^The 6 members need 873 MB together, 14 % of the 6\.4 GB budget\.$/,
      suggestion: null,
    },
  ] as const)('$name', (row) => {
    const check = checkCouncil(row.members, row.tier, budget(6.4e9));
    expect(check.verdict).toBe(row.verdict);
    expect(`${check.tierLabel}: ${check.capText}`).toBe(row.cap);
    expect(memoryText(check)).toBe(row.memory);
    expect(check.message).toMatch(row.message);
    expect(check.suggestion).toBe(row.suggestion);
    const footprints: number[] = row.members.map((m) => modelFootprint(m.spec).totalBytes);
    expect(check.totalBytes).toBe(footprints.reduce((a, b) => a + b, 0));
    expect(refusalText(check) !== null).toBe(row.verdict === 'refuse');
  });

  it.each([
    {
      name: 'Mid, four with the override → warned, and they run',
      members: [1, 2, 3, 4].map((i) => sim('sim-fast', i)),
      tier: 'mid',
      override: 4,
      verdict: 'warn',
      cap: "Mid: up to 4 members at once by your override (the tier's cap is 3)",
      message: /^The 4 members need 582 MB together, 9 % of the 6\.4 GB budget\. Your override runs 4 at once, beyond the Mid tier's cap of 3: frames and latency may suffer\.$/,
    },
    {
      name: 'Low, two with the override → both at once, warned',
      members: [sim('sim-fast', 1), sim('sim-slow', 2)],
      tier: 'low',
      override: 2,
      verdict: 'warn',
      cap: "Low: up to 2 members at once by your override (the tier's cap is 1 at a time)",
      message: /Your override runs 2 at once, beyond the Low tier's cap of 1/,
    },
    {
      name: 'High, three large ones with the override → still over the budget',
      members: [1, 2, 3].map((i) => sim('sim-large', i)),
      tier: 'high',
      override: 12,
      verdict: 'refuse',
      cap: "High: up to 12 members at once by your override (the tier's cap is 6)",
      message: /^The 3 members need 12\.7 GB together, budget 6\.4 GB\.$/,
    },
  ] as const)('$name', (row) => {
    const check = checkCouncil(row.members, row.tier, budget(6.4e9), row.override);
    expect(check.verdict).toBe(row.verdict);
    expect(`${check.tierLabel}: ${check.capText}`).toBe(row.cap);
    expect(check.atOnce).toBe(row.override);
    expect(check.message).toMatch(row.message);
  });

  it('an empty council is refused', () => {
    const check = checkCouncil([], 'mid', budget(6.4e9));
    expect(check.verdict).toBe('refuse');
    expect(refusalText(check)).toBe('A council needs at least one member. Add a model.');
  });

  it('names the member and the budget when one cannot fit alone', () => {
    const check = checkCouncil([sim('sim-large', 1)], 'low', budget(2e9));
    expect(check.verdict).toBe('refuse');
    expect(check.message).toBe('simulated-large #1 (q4) needs 4.2 GB, budget 2.0 GB.');
    expect(check.suggestion).toBe('Choose a smaller model: at q4 with a context of 2048 tokens, up to about 3.0B parameters fit.');
  });
});

describe('checkCouncil: the member too big for this device', () => {
  it.each([
    { name: 'the one member over the budget', members: [sim('sim-large', 1)], tier: 'low', bytes: 2e9, tooBig: 0 },
    { name: 'the first of the members that cannot load alone', members: [sim('sim-fast', 1), sim('sim-large', 2), sim('sim-large', 3)], tier: 'high', bytes: 2e9, tooBig: 1 },
    { name: 'over the cap: about no one member, even with one too big', members: [1, 2, 3, 4].map((i) => sim('sim-large', i)), tier: 'mid', bytes: 2e9, tooBig: null },
    { name: 'each fits alone, not together: about no one member', members: [1, 2, 3].map((i) => sim('sim-large', i)), tier: 'mid', bytes: 6.4e9, tooBig: null },
    { name: 'not refused', members: [sim('sim-fast', 1)], tier: 'low', bytes: 6.4e9, tooBig: null },
  ] as const)('$name', (row) => {
    const check = checkCouncil(row.members, row.tier, budget(row.bytes));
    expect(check.tooBig).toBe(row.tooBig);
    expect(check.remote).toBeNull();
  });

  it('the refusal ends with where else it could run, once the page has said so', () => {
    const check = { ...checkCouncil([sim('sim-large', 1)], 'low', budget(2e9)), remote: 'Or run it on llama-server at box:8080.' };
    expect(refusalText(check)).toBe(
      'simulated-large #1 (q4) needs 4.2 GB, budget 2.0 GB. Choose a smaller model: at q4 with a context of 2048 tokens, up to about 3.0B parameters fit. Or run it on llama-server at box:8080.',
    );
  });
});

describe('checkCouncil: members on inference servers', () => {
  it.each([
    { name: 'all on servers, even on a device with no budget: ok, nothing loads here', local: [], remote: 2, bytes: 0, verdict: 'ok', message: 'All 2 members run on inference servers: nothing loads on this device.', memory: 'memory budget 0 B, nothing loads here; 2 on inference servers' },
    { name: 'one on a server', local: [], remote: 1, bytes: 0, verdict: 'ok', message: 'The member runs on inference servers: nothing loads on this device.', memory: 'memory budget 0 B, nothing loads here; 1 on inference servers' },
    { name: 'a local one beside them is checked as ever', local: [sim('sim-fast', 1)], remote: 1, bytes: 6.4e9, verdict: 'ok', message: 'simulated-fast #1 (q8) needs 146 MB of the 6.4 GB budget (2 %).', memory: 'memory budget 6.4 GB, the member needs 146 MB; 1 on inference servers' },
    { name: 'no member at all is still refused', local: [], remote: 0, bytes: 6.4e9, verdict: 'refuse', message: 'A council needs at least one member.', memory: 'memory budget 6.4 GB, the 0 members need 0 B' },
  ] as const)('$name', (row) => {
    const check = checkCouncil(row.local, 'low', budget(row.bytes), null, row.remote);
    expect(check.verdict).toBe(row.verdict);
    expect(check.message).toBe(row.message);
    expect(memoryText(check)).toBe(row.memory);
  });
});

describe('footprintOnlySpec', () => {
  it('counts the weights and the runtime overhead, no KV cache', () => {
    const spec: ModelSpec = footprintOnlySpec('wf-tiny', 1e6, 'fp32');
    expect(modelFootprint(spec)).toEqual({ weightsBytes: 4e6, kvCacheBytes: 0, overheadBytes: 100.4e6, totalBytes: 104.4e6 });
  });
});
