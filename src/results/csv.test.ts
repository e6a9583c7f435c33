import { describe, expect, it } from 'vitest';
import { csvCell, runsToCsv } from './csv.ts';
import { resultRunOf } from './result-document.ts';
import { sampleRun } from './fixtures.ts';

/** A minimal RFC 4180 reader for one line, as a spreadsheet with `separator` would split it. */
function parseCsvRow(line: string, separator: ',' | ';'): string[] {
  const cells: string[] = [];
  let cell = '';
  let inQuotes = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (inQuotes) {
      if (c === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') inQuotes = false;
      else cell += c;
    } else if (c === '"') inQuotes = true;
    else if (c === separator) {
      cells.push(cell);
      cell = '';
    } else cell += c;
  }
  cells.push(cell);
  return cells;
}

describe('csv', () => {
  it.each<{ value: string | number | null; cell: string }>([
    // Plain data passes as it is; quoting only where the CSV syntax needs it.
    { value: 'wf-tiny', cell: 'wf-tiny' },
    { value: null, cell: '' },
    { value: '', cell: '' },
    { value: 'a,b', cell: '"a,b"' },
    { value: 'a;b', cell: '"a;b"' },
    { value: 'say "hi"', cell: '"say ""hi"""' },
    { value: 'two\nlines', cell: '"two\nlines"' },
    { value: 'SmolLM2-135M', cell: 'SmolLM2-135M' },
    { value: 'a - b', cell: 'a - b' },
    { value: 'user@example', cell: 'user@example' },
    { value: '2026-12-02T12:00:00.000Z', cell: '2026-12-02T12:00:00.000Z' },
    // Numbers the app writes itself stay numbers, negative ones included.
    { value: 410.5, cell: '410.5' },
    { value: -3, cell: '-3' },
    { value: -1.5, cell: '-1.5' },
    { value: 1e21, cell: '1e+21' },
    // Formula triggers at the start of a text cell: prefixed with ' and quoted.
    { value: '=HYPERLINK("http://evil")', cell: `"'=HYPERLINK(""http://evil"")"` },
    { value: '+1', cell: `"'+1"` },
    { value: '-cmd', cell: `"'-cmd"` },
    { value: '-2+3', cell: `"'-2+3"` },
    { value: '-1.5', cell: `"'-1.5"` },
    { value: '@SUM(A1)', cell: `"'@SUM(A1)"` },
    { value: '=cmd|\' /C calc\'!A0', cell: `"'=cmd|' /C calc'!A0"` },
    // … after leading whitespace, or as the whitespace itself.
    { value: ' @SUM(A1)', cell: `"' @SUM(A1)"` },
    { value: '   =1+1', cell: `"'   =1+1"` },
    { value: '\u00a0=1+1', cell: `"'\u00a0=1+1"` },
    { value: '\n=1+1', cell: `"'\n=1+1"` },
    { value: '\r=1+1', cell: `"'\r=1+1"` },
    { value: '\tx', cell: `"'\tx"` },
    // … or after a field separator of a locale that splits on it.
    { value: 'x;=HYPERLINK("http://evil","x")', cell: `"'x;=HYPERLINK(""http://evil"",""x"")"` },
    { value: 'x,=1+1', cell: `"'x,=1+1"` },
    { value: 'x; -2+3', cell: `"'x; -2+3"` },
    { value: 'x;\t@A1', cell: `"'x;\t@A1"` },
    { value: 'x;y;+1', cell: `"'x;y;+1"` },
    { value: 'x;', cell: '"x;"' },
  ])('cell $value', ({ value, cell }) => {
    expect(csvCell(value)).toBe(cell);
  });

  it('a defused model id reads back as one text cell in both comma and semicolon locales', () => {
    const payload = 'x;=HYPERLINK("http://evil","x")';
    const [, row] = runsToCsv([resultRunOf({ ...sampleRun, modelId: payload })]).trimEnd().split('\r\n');
    const cells = parseCsvRow(row!, ',');
    expect(cells[2]).toBe(`'${payload}`);
    // The same line split on ';' (a locale whose separator it is) never yields a cell that starts a formula.
    for (const cell of parseCsvRow(row!, ';')) expect(/^\s*[=+\-@]/.test(cell)).toBe(false);
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
