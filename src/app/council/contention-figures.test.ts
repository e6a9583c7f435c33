import { describe, expect, it } from 'vitest';
import { contentionRows, type ContentionSnapshot } from './contention-figures.ts';

const endpoints = [
  { id: '192.168.1.20:8080', server: 'llama.cpp' as const, baseUrl: 'http://192.168.1.20:8080', apiKey: 'sk-secret' },
  { id: 'box:11434', server: 'ollama' as const, baseUrl: 'http://box:11434', apiKey: 'sk-other' },
];

const none: ContentionSnapshot = { alpha: null, remoteAlpha: {}, fairness: {}, samples: {} };

describe('contentionRows', () => {
  const cases: { name: string; snapshot: ContentionSnapshot | null; council?: string[]; expected: string[] }[] = [
    { name: 'before any run: this device only, not measured', snapshot: null, expected: ['This device: α not measured yet (0 samples), fairness not measured yet'] },
    {
      name: 'this device measured: both figures to two places',
      snapshot: { ...none, alpha: 1.4167, fairness: { local: 0.9749 }, samples: { local: 12 } },
      expected: ['This device: α 1.42 (12 samples), fairness 0.97'],
    },
    {
      name: 'one sample: α and fairness wait, the count is singular',
      snapshot: { ...none, fairness: { local: null }, samples: { local: 1 } },
      expected: ['This device: α not measured yet (1 sample), fairness not measured yet'],
    },
    {
      name: 'α 0 is a measurement, not "not measured"',
      snapshot: { ...none, alpha: 0, fairness: { local: 1 }, samples: { local: 4 } },
      expected: ['This device: α 0.00 (4 samples), fairness 1.00'],
    },
    {
      name: 'a server measured apart, named by kind and host',
      snapshot: { alpha: 1.5, remoteAlpha: { '192.168.1.20:8080': 0.31 }, fairness: { local: 0.8, 'remote:192.168.1.20:8080': 0.99 }, samples: { local: 6, 'remote:192.168.1.20:8080': 9 } },
      expected: ['This device: α 1.50 (6 samples), fairness 0.80', 'llama-server at 192.168.1.20:8080: α 0.31 (9 samples), fairness 0.99'],
    },
    {
      name: 'a server in the council before its first run has its row',
      snapshot: null,
      council: ['box:11434'],
      expected: ['This device: α not measured yet (0 samples), fairness not measured yet', 'Ollama at box:11434: α not measured yet (0 samples), fairness not measured yet'],
    },
    {
      name: 'servers in the Remote view\'s order; one no longer listed last, by id',
      snapshot: { ...none, remoteAlpha: { 'gone:1': null, 'box:11434': null, '192.168.1.20:8080': null }, samples: { 'remote:gone:1': 2, 'remote:box:11434': 1, 'remote:192.168.1.20:8080': 3 } },
      expected: [
        'This device: α not measured yet (0 samples), fairness not measured yet',
        'llama-server at 192.168.1.20:8080: α not measured yet (3 samples), fairness not measured yet',
        'Ollama at box:11434: α not measured yet (1 sample), fairness not measured yet',
        'an inference server no longer listed (gone:1): α not measured yet (2 samples), fairness not measured yet',
      ],
    },
    {
      name: 'a group known only from its fairness entry still gets its row',
      snapshot: { ...none, fairness: { 'remote:box:11434': 0.5 }, samples: {} },
      expected: ['This device: α not measured yet (0 samples), fairness not measured yet', 'Ollama at box:11434: α not measured yet (0 samples), fairness 0.50'],
    },
    {
      name: 'a figure that is not a finite number is not shown as one',
      snapshot: { ...none, alpha: Number.NaN, fairness: { local: Number.POSITIVE_INFINITY }, samples: { local: 3 } },
      expected: ['This device: α not measured yet (3 samples), fairness not measured yet'],
    },
  ];
  for (const c of cases) it(c.name, () => expect(contentionRows(c.snapshot, c.council ?? [], endpoints).map((r) => r.summary)).toEqual(c.expected));

  it('rows carry the scheduler\'s group keys and the figures apart', () => {
    const [local, remote] = contentionRows({ alpha: 1.5, remoteAlpha: { 'box:11434': null }, fairness: { local: 0.8 }, samples: { local: 6, 'remote:box:11434': 1 } }, [], endpoints);
    expect(local).toEqual({ group: 'local', where: 'This device', alpha: '1.50', fairness: '0.80', samples: 6, summary: 'This device: α 1.50 (6 samples), fairness 0.80' });
    expect(remote).toMatchObject({ group: 'remote:box:11434', where: 'Ollama at box:11434', alpha: 'not measured yet', fairness: 'not measured yet', samples: 1 });
  });

  it('never names an API key', () => {
    const rows = contentionRows({ alpha: 1, remoteAlpha: { '192.168.1.20:8080': 1, 'box:11434': 1 }, fairness: {}, samples: {} }, [], endpoints);
    expect(JSON.stringify(rows)).not.toMatch(/sk-/);
  });
});
