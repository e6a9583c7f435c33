/**
 * The scheduler worker: a thin shell around the `Scheduler` core. It builds the core from the settings
 * the page sends (tier, memory budget, queue capacity, override), gives every council member an engine
 * worker of its own (transformers.js for bundled models, web-llm for hub models, the synthetic worker
 * for simulated ones) through `WorkerTransport`, and sends the page, on the port given to `connect`:
 * - token batches, at most one per frame the page drew: a batch goes out only after the page has
 *   acknowledged the previous one (`frame()`), so a page that falls behind gets fewer, larger batches
 *   and never a queue of stale ones (text is never dropped, only merged);
 * - audit events, member snapshots, load progress and turn ends, as they happen.
 * Every audit event also goes to the audit log in IndexedDB (`audit-log.ts`).
 */
import * as Comlink from 'comlink';
import { TIER_PROFILES } from '../tiers/index.ts';
import { startEngineWorker } from '../workers/engine-workers.ts';
import { AckFrames } from './ack-frames.ts';
import { FrameBatcher } from './frame-batcher.ts';
import type { MemberConfig, SchedulerEventMessage, SchedulerSettings, SchedulerWorkerApi, TokenBatch } from './protocol.ts';
import { AuditLog } from './audit-log.ts';
import { Scheduler } from './scheduler.ts';
import { WorkerTransport } from '../workers/worker-transport.ts';
import { holdLifelineLock } from '../workers/lifeline-lock.ts';

function createEngineWorker(member: MemberConfig): { worker: Worker; name: string } {
  const worker = startEngineWorker(member.engine, `engine ${member.id}`, member.synthetic);
  return { worker, name: member.engine === 'synthetic' ? `simulated worker of ${member.label}` : `engine worker of ${member.label}` };
}

let port: MessagePort | null = null;
let scheduler: Scheduler | null = null;
let batcher: FrameBatcher | null = null;
let frames = new AckFrames();
const transports = new Map<string, WorkerTransport>();
let auditLog: AuditLog | null = null;
let sessions = 0;

function post(message: SchedulerEventMessage): void {
  port?.postMessage(message);
}

function requireScheduler(): Scheduler {
  if (!scheduler) throw new Error('The scheduler is not configured yet.');
  return scheduler;
}

const api: SchedulerWorkerApi = {
  configure(settings: SchedulerSettings) {
    if (scheduler) {
      batcher?.flushAll();
      void scheduler.shutdown();
    }
    batcher?.dispose();
    frames = new AckFrames();
    const currentFrames = frames;
    const currentBatcher = new FrameBatcher((batch: TokenBatch) => {
      currentFrames.sent();
      post({ kind: 'batch', batch });
    }, currentFrames);
    batcher = currentBatcher;
    transports.clear();
    void auditLog?.flush();
    const log = new AuditLog(`${Date.now().toString(36)}-${++sessions}`);
    auditLog = log;
    scheduler = new Scheduler({
      profile: TIER_PROFILES[settings.tier],
      budget: { bytes: settings.budgetBytes, perModelMaxBytes: settings.perModelMaxBytes },
      ...(settings.queueCapacity !== undefined ? { queueCapacity: settings.queueCapacity } : {}),
      concurrencyOverride: settings.concurrencyOverride ?? null,
      burstMode: settings.burstMode ?? 'auto',
      adaptation: { growthOptIn: settings.allowGrowthOffers ?? false },
      createTransport(member) {
        const { worker, name } = createEngineWorker(member);
        const transport = new WorkerTransport(worker, name);
        transports.set(member.id, transport);
        return transport;
      },
      events: {
        token: (token) => currentBatcher.pushToken(token),
        jobEnd: (outcome) => currentBatcher.pushEnd(outcome),
        turnEnd: (outcome) => post({ kind: 'turn-end', outcome }),
        audit: (event) => {
          log.append(event);
          post({ kind: 'audit', event });
        },
        member: (member) => post({ kind: 'member', member }),
        loadProgress: (memberId, progress) => post({ kind: 'load-progress', memberId, progress }),
      },
    });
  },
  connect(events: MessagePort) {
    port = events;
  },
  ping() {
    return true;
  },
  holdLifeline(name) {
    return holdLifelineLock(name);
  },
  setCouncil(members) {
    requireScheduler().setCouncil(members);
  },
  submit(request) {
    return requireScheduler().submit(request);
  },
  cancel(turnId, memberId) {
    requireScheduler().cancel(turnId, memberId);
  },
  observe(sample) {
    // The page's clock is not ours: the sample is stamped on arrival.
    requireScheduler().observe({ ...sample, atMs: performance.now() });
  },
  acceptGrowth() {
    requireScheduler().acceptGrowth();
  },
  frame() {
    frames.ack();
  },
  snapshot() {
    return requireScheduler().snapshot();
  },
  async shutdown() {
    batcher?.flushAll();
    await scheduler?.shutdown();
    scheduler = null;
    await auditLog?.flush();
  },
  debugCrashMember(memberId) {
    const transport = transports.get(memberId);
    if (!transport?.alive) return false;
    transport.crash('its worker was killed (debug hook)');
    return true;
  },
};

Comlink.expose(api);
