import { describe, expect, it } from 'vitest';
import { csvCell, runsToCsv } from './csv.ts';
import { resultRunOf } from './result-document.ts';
import { sampleRun } from './fixtures.ts';

describe('csv', () => {
  it.each([
    { value: 'wf-tiny', cell: 'wf-tiny' },
    { value: 410.5, cell: '410.5' },
    { value: null, cell: '' },
    { value: 'a,b', cell: '"a,b"' },
    { value: 'say "hi"', cell: '"say ""hi"""' },
    { value: 'two\nlines', cell: '"two\nlines"' },
    { value: '=HYPERLINK("http://evil")', cell: `"'=HYPERLINK(""http://evil"")"` },
    { value: '+1', cell: "'+1" },
    { value: '-cmd', cell: "'-cmd" },
    { value: '@SUM(A1)', cell: "'@SUM(A1)" },
    { value: -3, cell: '-3' },
  ])('cell $value', ({ value, cell }) => {
    expect(csvCell(value)).toBe(cell);
  });

  it('one header and one row per run', () => {
    const csv = runsToCsv([resultRunOf(sampleRun), resultRunOf({ ...sampleRun, modelId: 'x,y' })]);
    const lines = csv.trimEnd().split('\r\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]!.startsWith('at,appVersion,modelId,')).toBe(true);
    expect(lines[1]).toContain(',wf-tiny,transformers.js,wasm,1,8,16,length,11.2,');
    expect(lines[2]).toContain(',"x,y",');
    expect(lines[0]!.endsWith(',engineTtftMs,enginePrefillTps,engineDecodeTps,engineTimePerOutputTokenMs,engineE2eLatencyMs')).toBe(true);
    // No engine timings: empty cells, the row keeps its width.
    expect(lines[1]!.endsWith(',,,,,')).toBe(true);
  });

  it("carries the engine's own timings where it reported them", () => {
    const engineTimings = { source: 'web-llm usage.extra' as const, ttftMs: 412.5, prefillTps: 900, decodeTps: 61.2, timePerOutputTokenMs: null, e2eLatencyMs: 2100 };
    const [, row] = runsToCsv([{ ...resultRunOf(sampleRun), engineTimings }]).trimEnd().split('\r\n');
    expect(row!.endsWith(',412.5,900,61.2,,2100')).toBe(true);
  });
});
