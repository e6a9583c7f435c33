import { describe, expect, it } from 'vitest';
import { WASM32_MAX_BYTES, type BudgetLimits, type ModelSpec } from './capacity';
import { councilCapOverride, estimateTtft, preflightCouncil, preflightModel, preflightPrompt } from './preflight';
import { TIER_PROFILES } from './profiles';

const smolShape = { layers: 30, kvHeads: 3, headDim: 64, contextTokens: 2048 };
const llamaShape = { layers: 16, kvHeads: 8, headDim: 64 };
/** 788 MB: 540 MB weights + 94 MB KV + 154 MB overhead. */
const smol: ModelSpec = { name: 'SmolLM2-135M', params: 135e6, dtype: 'fp32', ...smolShape };
/** 1.07 GB at fp32. */
const tiny200: ModelSpec = { name: 'Tiny-200M', params: 200e6, dtype: 'fp32', ...smolShape };
const budget = (bytes: number, perModelMaxBytes: number | null = null): BudgetLimits => ({ bytes, perModelMaxBytes });

describe('preflightModel', () => {
  it.each([
    {
      name: 'over budget → refuse, smaller dtype suggested',
      model: tiny200,
      budget: budget(0.8e9),
      verdict: 'refuse',
      message: 'Tiny-200M (fp32) needs 1.1 GB, budget 0.8 GB.',
      suggestion: 'Use fp16: it needs 587 MB.',
    },
    {
      name: 'no smaller dtype → shorter context',
      model: { name: 'Llama-1B', params: 1e9, dtype: 'q4', contextTokens: 32768, ...llamaShape } as ModelSpec,
      budget: budget(1e9),
      verdict: 'refuse',
      message: 'Llama-1B (q4) needs 1.7 GB, budget 1.0 GB.',
      suggestion: 'Use a context of 8192 tokens: it needs 918 MB.',
    },
    {
      name: 'nothing shrinks enough → a smaller model, with its size',
      model: { name: 'Llama-8B', params: 8e9, dtype: 'q4', contextTokens: 2048, ...llamaShape } as ModelSpec,
      budget: budget(1e9),
      verdict: 'refuse',
      message: 'Llama-8B (q4) needs 4.6 GB, budget 1.0 GB.',
      suggestion: 'Choose a smaller model: at q4 with a context of 2048 tokens, up to about 1.5B parameters fit.',
    },
    {
      name: 'beyond what one WASM engine addresses → refuse',
      model: { name: 'Qwen-1.5B', params: 1.5e9, dtype: 'fp32', contextTokens: 2048, ...llamaShape } as ModelSpec,
      budget: budget(12.8e9, WASM32_MAX_BYTES),
      verdict: 'refuse',
      message: 'Qwen-1.5B (fp32) needs 6.8 GB, but one WASM engine holds at most 4 GiB.',
      suggestion: 'Use fp16: it needs 3.5 GB.',
    },
    {
      name: 'over 90 % → warn',
      model: smol,
      budget: budget(0.85e9),
      verdict: 'warn',
      message: 'SmolLM2-135M (fp32) needs 788 MB of the 850 MB budget (93 %): no room for another model or a longer context.',
      suggestion: 'Use fp16: it needs 444 MB.',
    },
    {
      name: 'fits → ok',
      model: smol,
      budget: budget(12.8e9, WASM32_MAX_BYTES),
      verdict: 'ok',
      message: 'SmolLM2-135M (fp32) needs 788 MB of the 12.8 GB budget (6 %).',
      suggestion: null,
    },
  ] as const)('$name', (row) => {
    const result = preflightModel(row.model, row.budget);
    expect(result.verdict).toBe(row.verdict);
    expect(result.message).toBe(row.message);
    expect(result.suggestion).toBe(row.suggestion);
    expect(result.budgetBytes).toBe(row.budget.bytes);
  });
});

describe('preflightCouncil', () => {
  const q4 = (name: string, params: number): ModelSpec => ({ name, params, dtype: 'q4', contextTokens: 2048, ...llamaShape });
  const small = [q4('A', 0.5e9), q4('B', 0.5e9), q4('C', 0.5e9), q4('D', 0.5e9)]; // 442 MB each
  const { low, mid, high } = TIER_PROFILES;

  it.each([
    { name: 'Low: one member → ok', models: small.slice(0, 1), profile: low, verdict: 'ok', message: /^A \(q4\) needs 442 MB of the 3\.0 GB budget/ },
    {
      name: 'Low: three members are queued, not refused',
      models: small.slice(0, 3),
      profile: low,
      verdict: 'warn',
      message: /^Low tier runs one member at a time: the other 2 wait in the queue/,
    },
    { name: 'Low: seven is over the hard cap', models: [...small, ...small].slice(0, 7), profile: low, verdict: 'refuse', message: /at most 6 council members; this council has 7/ },
    { name: 'Mid: two that fit → ok', models: small.slice(0, 2), profile: mid, verdict: 'ok', message: /^The 2 members need 884 MB together, 29 % of the 3\.0 GB budget\.$/ },
    { name: 'Mid: three small ones that fit → allowed, with a warning', models: small.slice(0, 3), profile: mid, verdict: 'warn', message: /usually runs 2; 3 are allowed because they fit/ },
    { name: 'Mid: four → refuse', models: small, profile: mid, verdict: 'refuse', message: /^Mid tier runs at most 3 council members; this council has 4\.$/ },
    { name: 'High: six → ok', models: [...small, ...small.slice(0, 2)], profile: high, verdict: 'ok', message: /^The 6 members need 2\.7 GB together/ },
  ] as const)('$name', (row) => {
    const result = preflightCouncil(row.models, budget(3e9), row.profile);
    expect(result.verdict).toBe(row.verdict);
    expect(result.message).toMatch(row.message);
    expect(result.members).toHaveLength(row.models.length);
  });

  it('a council that does not fit together is refused with a smaller dtype', () => {
    const fp16 = small.slice(0, 2).map((m) => ({ ...m, dtype: 'fp16' as const })); // 1.27 GB each
    const result = preflightCouncil(fp16, budget(2e9), mid);
    expect(result.verdict).toBe('refuse');
    expect(result.message).toBe('The 2 members need 2.5 GB together, budget 2.0 GB.');
    expect(result.suggestion).toBe('Use q8 for A, B: together they need 1.4 GB.');
  });

  it('…or with fewer members when no dtype is small enough', () => {
    const big = [q4('Big', 3e9), q4('A', 0.5e9), q4('B', 0.5e9)];
    const result = preflightCouncil(big, budget(2e9), mid);
    expect(result.verdict).toBe('refuse');
    expect(result.suggestion).toBe('Use fewer members: without Big the other 2 need 884 MB.');
  });

  it('a member that cannot load alone sinks the council', () => {
    const result = preflightCouncil([q4('A', 0.5e9), { ...q4('Huge', 2e9), dtype: 'fp32' }], budget(12.8e9, WASM32_MAX_BYTES), mid);
    expect(result.verdict).toBe('refuse');
    expect(result.message).toMatch(/^Huge \(fp32\) needs 9\.0 GB, but one WASM engine holds at most 4 GiB\.$/);
  });

  const many = (count: number) => Array.from({ length: count }, (_, i) => q4(`M${i + 1}`, 0.5e9)); // 442 MB each
  it.each([
    { name: 'High: seven without the override → refused, the override named', models: many(7), profile: high, override: null, budgetBytes: 12.8e9, verdict: 'refuse', message: /^High tier runs at most 6 council members; this council has 7\.$/, suggestion: "Remove 1 member, or allow more members than the tier's cap in the settings." },
    { name: 'High: seven with an override of 12 → a warning, not a refusal', models: many(7), profile: high, override: 12, budgetBytes: 12.8e9, verdict: 'warn', message: /^The 7 members need 3\.1 GB together, 24 % of the 12\.8 GB budget\. Your override runs 7 at once, beyond the High tier's cap of 6: frames and latency may suffer\.$/, suggestion: null },
    { name: 'High: twelve with the override → warned', models: many(12), profile: high, override: 12, budgetBytes: 12.8e9, verdict: 'warn', message: /Your override runs 12 at once, beyond the High tier's cap of 6/, suggestion: null },
    { name: 'High: more than the override allows → refused', models: many(9), profile: high, override: 8, budgetBytes: 12.8e9, verdict: 'refuse', message: /^Your override runs at most 8 council members at once; this council has 9\.$/, suggestion: 'Remove 1 member, or raise the override (up to 12).' },
    { name: 'an override past 12 counts as 12', models: many(13), profile: high, override: 40, budgetBytes: 12.8e9, verdict: 'refuse', message: /^Your override runs at most 12 council members at once; this council has 13\.$/, suggestion: 'Remove 1 member.' },
    { name: 'the override does not lift the memory budget', models: many(8), profile: high, override: 12, budgetBytes: 3e9, verdict: 'refuse', message: /^The 8 members need 3\.5 GB together, budget 3\.0 GB\.$/, suggestion: 'Use fewer members: without M1, M2 the other 6 need 2.7 GB.' },
    { name: 'Mid: four with an override of 4 → warned against the stretch cap', models: many(4), profile: mid, override: 4, budgetBytes: 3e9, verdict: 'warn', message: /Your override runs 4 at once, beyond the Mid tier's cap of 3/, suggestion: null },
    { name: 'Mid: three within the override → the usual stretch warning', models: many(3), profile: mid, override: 4, budgetBytes: 3e9, verdict: 'warn', message: /usually runs 2; 3 are allowed because they fit/, suggestion: null },
    { name: 'Low: the override runs them at once, so they must fit together', models: many(3), profile: low, override: 3, budgetBytes: 3e9, verdict: 'warn', message: /^The 3 members need 1\.3 GB together.*Your override runs 3 at once, beyond the Low tier's cap of 1/, suggestion: null },
    { name: 'Low: one member with the override → ok', models: many(1), profile: low, override: 4, budgetBytes: 3e9, verdict: 'ok', message: /^M1 \(q4\) needs 442 MB of the 3\.0 GB budget/, suggestion: null },
  ] as const)('$name', (row) => {
    const result = preflightCouncil(row.models, budget(row.budgetBytes), row.profile, { capOverride: row.override });
    expect(result.verdict).toBe(row.verdict);
    expect(result.message).toMatch(row.message);
    expect(result.suggestion).toBe(row.suggestion);
  });

  it.each([
    [null, null],
    [undefined, null],
    [Number.NaN, null],
    [0, 1],
    [7.9, 7],
    [12, 12],
    [13, 12],
  ])('councilCapOverride(%s) → %s', (value, cap) => {
    expect(councilCapOverride(value)).toBe(cap);
  });

  it('an empty council is refused', () => {
    expect(preflightCouncil([], budget(1e9), mid).verdict).toBe('refuse');
  });
});

describe('prompt pre-flight', () => {
  it('TTFT ≈ prompt tokens ÷ prefill rate', () => {
    expect(estimateTtft(4000, 500)).toBe(8000);
    expect(estimateTtft(100, 0)).toBe(Number.POSITIVE_INFINITY);
  });

  it('warns when a long prompt misses the tier’s TTFT', () => {
    const result = preflightPrompt(4000, 500, TIER_PROFILES.mid);
    expect(result.verdict).toBe('warn');
    expect(result.message).toBe('This 4,000-token prompt needs about 8.0 s before the first token (prefill at 500 tok/s); Mid tier aims for 1.0 s.');
    expect(result.suggestion).toBe('Shorten the prompt: about 500 tokens start within 1.0 s.');
    expect(preflightPrompt(200, 500, TIER_PROFILES.mid).verdict).toBe('ok');
  });
});
