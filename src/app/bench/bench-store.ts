/**
 * The Bench view's state (signals) and actions: the setting, each scenario's progress, the stored
 * results (newest first), run one / run all / cancel. Results are saved as each scenario ends.
 */
import { batch, computed, signal } from '@preact/signals';
import type { FrameLoop } from '../perf/frame-loop.ts';
import type { HardwareStore } from '../device/hardware.ts';
import type { Session } from '../single/session.ts';
import { TIER_PROFILES } from '../../tiers/index.ts';
import type { MachineFacts, ScenarioDefinition } from '../../scenarios/context.ts';
import { isScenarioSetting, plansFor } from '../../scenarios/plans.ts';
import { SCENARIOS } from '../../scenarios/runners/registry.ts';
import { isAbort, runScenario } from '../../scenarios/run-scenario.ts';
import { SCENARIO_RESULTS_CAP, ScenarioStore, type StoredScenarioResult } from '../../scenarios/store.ts';
import type { ScenarioId, ScenarioSetting } from '../../scenarios/types.ts';
import { downloadAsk, type DownloadAsk } from '../../scenarios/downloads.ts';
import { THIS_DEVICE, targetSupport, type ScenarioTarget } from '../../scenarios/target.ts';
import { scenarioTargetOf, usableEndpoints, type RemoteEndpoint } from '../remote/endpoint-list.ts';

/** "device" or an endpoint's id: what the "Run against" select holds. */
export const DEVICE_TARGET = 'device';


export type RowState = 'idle' | 'queued' | 'running' | 'done' | 'cancelled';

export interface ScenarioRow {
  state: RowState;
  /** 0..1 */
  progress: number;
  label: string;
}

const SETTING_KEY = 'wirthforge.bench-setting';
/** Used until the hardware is known: the same fallback as the Council panel. */
const FALLBACK_BUDGET = { bytes: 2e9, perModelMaxBytes: null };

function idleRows(): Record<ScenarioId, ScenarioRow> {
  return Object.fromEntries(SCENARIOS.map((s) => [s.id, { state: 'idle', progress: 0, label: '' }])) as Record<ScenarioId, ScenarioRow>;
}

export class BenchStore {
  readonly scenarios: readonly ScenarioDefinition[] = SCENARIOS;
  readonly setting = signal<ScenarioSetting>('quick');
  readonly rows = signal(idleRows());
  readonly running = signal(false);
  readonly results = signal<StoredScenarioResult[]>([]);
  readonly notice = signal<string | null>(null);
  /** The suite now running or last run: the headless bench reads its results by this id. */
  readonly suiteId = signal<string | null>(null);
  /** A run that would fetch model files this device does not hold, waiting for the user's yes. */
  readonly pendingDownload = signal<{ ids: ScenarioId[]; ask: DownloadAsk } | null>(null);

  /** The chosen target: "device" or a usable endpoint's id (a removed or withdrawn endpoint falls back to this device). */
  readonly targetChoice = signal<string>(DEVICE_TARGET);
  readonly targets = computed(() => usableEndpoints(this.endpoints.value).map((e) => ({ id: e.id, label: `${e.model} on ${new URL(e.baseUrl).host} (remote)`, target: scenarioTargetOf(e) })));
  readonly target = computed<ScenarioTarget>(() => this.targets.value.find((t) => t.id === this.targetChoice.value)?.target ?? THIS_DEVICE);

  private controller: AbortController | null = null;
  private readonly store = new ScenarioStore();

  constructor(
    private readonly hardware: HardwareStore,
    private readonly session: Session,
    private readonly appVersion: string,
    private readonly frameLoop: FrameLoop,
    /** Bytes of a bundled model not stored on this device (null: not in this build). */
    private readonly missingBytes: (modelId: string) => number | null = () => null,
    /** The user's inference servers (the remote panel's list); none where the page has no panel. */
    private readonly endpoints: { readonly value: readonly RemoteEndpoint[] } = { value: [] },
  ) {
    try {
      const stored = localStorage.getItem(SETTING_KEY);
      if (isScenarioSetting(stored)) this.setting.value = stored;
    } catch {
      // Storage blocked: the setting starts at quick each time.
    }
  }

  async init(): Promise<void> {
    try {
      this.results.value = await this.store.recent();
    } catch (error) {
      this.notice.value = `Earlier scenario results are unavailable: ${error instanceof Error ? error.message : String(error)}`;
    }
  }

  chooseSetting(setting: ScenarioSetting): void {
    this.setting.value = setting;
    try {
      localStorage.setItem(SETTING_KEY, setting);
    } catch {
      // A convenience only.
    }
  }

  chooseTarget(choice: string): void {
    this.targetChoice.value = choice;
  }

  /** Against a server, only the scenarios that can run there. */
  runAll(): Promise<void> {
    const target = this.target.peek();
    return this.request(this.scenarios.filter((s) => targetSupport(s.id, target).ok));
  }

  runOne(id: ScenarioId): Promise<void> {
    return this.request(this.scenarios.filter((s) => s.id === id));
  }

  /** The user said yes to the download: the waiting run starts. */
  confirmDownload(): Promise<void> {
    const pending = this.pendingDownload.peek();
    this.pendingDownload.value = null;
    return pending ? this.runList(this.scenarios.filter((s) => pending.ids.includes(s.id))) : Promise.resolve();
  }

  declineDownload(): void {
    this.pendingDownload.value = null;
  }

  /** Runs the list, unless it would fetch model files first: then it waits for the user's yes. */
  private request(list: readonly ScenarioDefinition[]): Promise<void> {
    if (this.running.peek() || list.length === 0) return Promise.resolve();
    const ids = list.map((s) => s.id);
    // A server holds its own model: nothing is fetched to this device for it.
    const ask = this.target.peek().kind === 'server' ? null : downloadAsk(ids, plansFor(this.setting.peek()), this.missingBytes);
    if (ask) {
      this.pendingDownload.value = { ids, ask };
      return Promise.resolve();
    }
    this.pendingDownload.value = null;
    return this.runList(list);
  }

  cancel(): void {
    this.controller?.abort(new DOMException('Cancelled by the user', 'AbortError'));
  }

  /** Stops a running suite (its scenarios end their workers). */
  dispose(): void {
    this.cancel();
  }

  private machine(): MachineFacts {
    const hardware = this.hardware;
    return {
      report: hardware.report.value,
      calibration: hardware.calibration.value,
      profile: hardware.profile.value?.profile ?? TIER_PROFILES.low,
      budget: hardware.budget.value ?? FALLBACK_BUDGET,
      models: this.session.available.value,
      shapeOf: (model) => hardware.shapeOf(model),
    };
  }

  private setRow(id: ScenarioId, row: Partial<ScenarioRow>): void {
    this.rows.value = { ...this.rows.value, [id]: { ...this.rows.value[id], ...row } };
  }

  private async runList(list: readonly ScenarioDefinition[]): Promise<void> {
    if (this.running.value || list.length === 0) return;
    await this.hardware.detect();
    const controller = new AbortController();
    this.controller = controller;
    const setting = this.setting.value;
    const target = this.target.value;
    const suiteId = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
    batch(() => {
      this.running.value = true;
      this.notice.value = null;
      this.suiteId.value = suiteId;
      const rows = idleRows();
      for (const s of list) rows[s.id] = { state: 'queued', progress: 0, label: 'waiting' };
      this.rows.value = rows;
    });
    try {
      for (const definition of list) {
        if (controller.signal.aborted) break;
        this.setRow(definition.id, { state: 'running', progress: 0, label: 'starting' });
        try {
          const result = await runScenario(definition, {
            setting,
            plans: plansFor(setting),
            machine: this.machine(),
            target,
            appVersion: this.appVersion,
            signal: controller.signal,
            subscribeFrames: (callback, order) => this.frameLoop.subscribe(callback, order),
            progress: (fraction, label) => this.setRow(definition.id, { progress: Math.max(0, Math.min(1, fraction)), label }),
          });
          this.setRow(definition.id, { state: 'done', progress: 1, label: result.status });
          await this.save({ suiteId, result });
        } catch (error) {
          if (!isAbort(error)) throw error;
          this.setRow(definition.id, { state: 'cancelled', label: 'cancelled' });
        }
      }
      if (controller.signal.aborted) {
        for (const s of list) if (this.rows.value[s.id].state === 'queued') this.setRow(s.id, { state: 'cancelled', label: 'cancelled' });
      }
    } catch (error) {
      this.notice.value = `The scenarios stopped: ${error instanceof Error ? error.message : String(error)}`;
    } finally {
      this.controller = null;
      this.running.value = false;
    }
  }

  private async save(entry: StoredScenarioResult): Promise<void> {
    try {
      const saved = await this.store.add(entry);
      this.results.value = [saved, ...this.results.value].slice(0, SCENARIO_RESULTS_CAP);
    } catch (error) {
      this.results.value = [entry, ...this.results.value];
      this.notice.value = `A result could not be saved (${error instanceof Error ? error.message : String(error)}); it is shown until the page reloads.`;
    }
  }

  async clearResults(): Promise<void> {
    await this.store.clear();
    this.results.value = [];
  }
}
