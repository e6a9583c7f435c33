/**
 * The Council panel's contention figures in words, one row per contention group (this device, then
 * each inference server): α, how much members running at once on the same hardware slow each other,
 * and fairness, how evenly the scheduler serves them. Pure over the scheduler's snapshot and the
 * endpoint list.
 *
 * A group with too few samples says "not measured yet" rather than a number: α needs runs alone and
 * with company in the group, fairness needs two of its members measured (the scheduler leaves either
 * null until then). An endpoint is named as the pre-flight names it, from its kind and host only.
 */
import type { SchedulerSnapshot } from '../../scheduler/protocol.ts';
import type { RemoteEndpoint } from '../remote/endpoint-list.ts';
import { serverPlace } from '../remote/remote-suggestion.ts';

export type ContentionSnapshot = Pick<SchedulerSnapshot, 'alpha' | 'remoteAlpha' | 'fairness' | 'samples'>;

export const NOT_MEASURED = 'not measured yet';

export interface ContentionRow {
  /** `local` or `remote:<endpoint id>`, as the scheduler keys its groups. */
  group: string;
  where: string;
  /** "1.42", or NOT_MEASURED. */
  alpha: string;
  fairness: string;
  samples: number;
  /** "This device: α 1.42 (12 samples), fairness 0.97". */
  summary: string;
}

const LOCAL = 'local';
const REMOTE = 'remote:';

function figure(value: number | null | undefined): string {
  return typeof value === 'number' && Number.isFinite(value) ? value.toFixed(2) : NOT_MEASURED;
}

function placeOf(endpointId: string, endpoints: readonly Pick<RemoteEndpoint, 'id' | 'server' | 'baseUrl'>[]): string {
  const endpoint = endpoints.find((e) => e.id === endpointId);
  return endpoint ? serverPlace(endpoint) : `an inference server no longer listed (${endpointId})`;
}

/**
 * `councilEndpoints`: the endpoints the council's members run on now, so that a server in the council
 * has its row ("not measured yet") before its first run; a server measured earlier keeps its row.
 */
export function contentionRows(
  snapshot: ContentionSnapshot | null,
  councilEndpoints: readonly string[],
  endpoints: readonly Pick<RemoteEndpoint, 'id' | 'server' | 'baseUrl'>[],
): ContentionRow[] {
  const measured = new Set<string>();
  if (snapshot) {
    for (const id of Object.keys(snapshot.remoteAlpha)) measured.add(id);
    for (const group of [...Object.keys(snapshot.fairness), ...Object.keys(snapshot.samples)]) if (group.startsWith(REMOTE)) measured.add(group.slice(REMOTE.length));
  }
  // Listed endpoints in the Remote view's order, then any no longer listed, by id.
  const listed = endpoints.map((e) => e.id);
  const rank = (id: string): number => (listed.includes(id) ? listed.indexOf(id) : listed.length);
  const remoteIds = [...new Set([...councilEndpoints, ...measured])].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  const row = (group: string, where: string, alpha: number | null | undefined): ContentionRow => {
    const samples = snapshot?.samples[group] ?? 0;
    const a = figure(alpha);
    const f = figure(snapshot?.fairness[group]);
    return { group, where, alpha: a, fairness: f, samples, summary: `${where}: α ${a} (${samples} sample${samples === 1 ? '' : 's'}), fairness ${f}` };
  };
  return [
    row(LOCAL, 'This device', snapshot?.alpha),
    ...remoteIds.map((id) => row(`${REMOTE}${id}`, placeOf(id, endpoints), snapshot?.remoteAlpha[id])),
  ];
}
