/**
 * A council member's finished job as a run record, the same record a single-model run is stored as,
 * so History lists it and baselines, exports and share links take it like any run. Pure: the council
 * store hands in what the page knows when the job's end is applied, and stores what comes back.
 *
 * The rules follow the single-model area's (Session.persist): a job that gave a result is stored,
 * finished or stopped (a stopped one is marked by its finish reason), a failed one is not. A simulated
 * member is never stored: its timings are a made-up timetable, not a measurement, and History and the
 * baselines only hold measurements.
 */
import { buildRunRecord, type RunRecord } from '../../metrics/run-record.ts';
import { runSamples, type RunSamples } from '../../metrics/run-samples.ts';
import type { RunEnvironment } from '../../metrics/run-environment.ts';
import type { JobOutcome, MemberConfig } from '../../scheduler/protocol.ts';
import type { LoadInfo } from '../../workers/engine.ts';

export interface CouncilRunInput {
  end: JobOutcome;
  member: Pick<MemberConfig, 'engine'>;
  /** The member's load as its last member event reported it (null: never reported). */
  load: LoadInfo | null;
  /** 1-based slot of the member, of `members` slots in the council when the turn was sent. */
  slot: number;
  members: number;
  prompt: string;
  /** Page clock: when the turn was sent, when each of the job's pieces was applied, when its end was. */
  page: { sentAtMs: number; arrivalTimesMs: readonly number[]; endedAtMs: number };
  at: number;
  appVersion: string;
  environment?: RunEnvironment | undefined;
}

export type CouncilRun = { stored: true; record: RunRecord; samples: Omit<RunSamples, 'runId'> } | { stored: false; reason: string };

export function councilRun(input: CouncilRunInput): CouncilRun {
  const { end, load, page } = input;
  if (input.member.engine === 'synthetic') return { stored: false, reason: 'a simulated member: its timings are made up, not measured' };
  if (end.status === 'failed') return { stored: false, reason: 'the job failed, and a failed run is not stored' };
  if (end.result === null) return { stored: false, reason: 'the job gave no result (stopped before it generated)' };
  if (load === null) return { stored: false, reason: 'its member never reported its load, so what it ran on is not known' };
  // The page's clock starts when the member began this job, not when the turn was sent: the wait in
  // the queue and the member's load are the scheduler's, measured on its clock and taken off here.
  const waitedMs = end.startedAtMs === null ? 0 : end.startedAtMs - end.queuedAtMs;
  const record = buildRunRecord({
    at: input.at,
    appVersion: input.appVersion,
    prompt: input.prompt,
    load,
    result: end.result,
    page: { sentAtMs: page.sentAtMs + waitedMs, arrivalTimesMs: page.arrivalTimesMs, endedAtMs: page.endedAtMs },
    environment: input.environment,
  });
  record.council = { turnId: end.turnId, memberId: end.memberId, slot: input.slot, members: input.members };
  return { stored: true, record, samples: runSamples(end.result.tokenTimesMs, page.arrivalTimesMs) };
}
