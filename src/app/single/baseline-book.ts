import { batch, computed, signal } from '@preact/signals';
import type { RunStore } from '../../metrics/run-store.ts';
import type { RunRecord } from '../../metrics/run-record.ts';
import { baselineFromRun, type Baseline } from '../../metrics/baseline.ts';
import { compareRunMetrics, runMetrics, type RunMetrics } from '../../metrics/run-metrics.ts';
import { DEFAULT_POLICY } from '../../metrics/regression.ts';
import { fingerprintDifferences, fingerprintOf } from '../../metrics/run-environment.ts';

const TOLERANCE_KEY = 'wirthforge.regression-tolerance-pct';

function readTolerancePct(): number {
  try {
    const stored = Number(localStorage.getItem(TOLERANCE_KEY));
    return stored > 0 && stored <= 500 ? stored : DEFAULT_POLICY.tolerance * 100;
  } catch {
    return DEFAULT_POLICY.tolerance * 100;
  }
}

/**
 * The baseline panel's state and actions: the saved baselines, the one selected, the newest run's
 * figures, and their comparison (the policy is regression.ts; this only wires it to signals).
 */
export class BaselineBook {
  readonly list = signal<Baseline[]>([]);
  readonly selectedId = signal<number | null>(null);
  readonly tolerancePct = signal(readTolerancePct());
  readonly newest = signal<{ record: RunRecord; metrics: RunMetrics } | null>(null);
  readonly message = signal<{ kind: 'error' | 'notice'; text: string } | null>(null);

  readonly selected = computed(() => this.list.value.find((b) => b.id === this.selectedId.value) ?? null);
  /** The regression policy at the user's tolerance: the Baselines panel and the run's "Why?" judge alike. */
  readonly policy = computed(() => ({ ...DEFAULT_POLICY, tolerance: this.tolerancePct.value / 100 }));

  readonly rows = computed(() => {
    const baseline = this.selected.value;
    const newest = this.newest.value;
    if (!baseline || !newest) return null;
    return compareRunMetrics(baseline.metrics, newest.metrics, this.policy.value);
  });

  /** What differs between the baseline's setup and the newest run's: the comparison is then not like for like. */
  readonly differences = computed(() => {
    const baseline = this.selected.value;
    const newest = this.newest.value;
    return baseline && newest ? fingerprintDifferences(fingerprintOf(baseline), fingerprintOf(newest.record)) : [];
  });

  private newestRequest = 0;

  constructor(private readonly store: RunStore) {}

  async refresh(): Promise<void> {
    try {
      const list = await this.store.baselines();
      batch(() => {
        this.list.value = list;
        if (!list.some((b) => b.id === this.selectedId.value)) this.selectedId.value = list[0]?.id ?? null;
      });
    } catch (error) {
      this.message.value = { kind: 'error', text: `Baselines could not be read: ${error instanceof Error ? error.message : String(error)}` };
    }
  }

  /**
   * A run's samples are written in a batch after its record: without waiting for it, a baseline saved
   * straight after a run would take the record's single decode rate while the same run, compared a
   * moment later, has its per-token spread, and the run would differ from itself.
   */
  private async metricsOf(record: RunRecord): Promise<RunMetrics> {
    await this.store.flush().catch(() => undefined);
    const samples = record.id === undefined ? null : await this.store.samplesOf(record.id);
    return runMetrics(record, samples);
  }

  /** Makes `record` the run compared with the selected baseline. */
  async showNewest(record: RunRecord | undefined): Promise<void> {
    const request = ++this.newestRequest;
    if (!record) {
      this.newest.value = null;
      return;
    }
    const metrics = await this.metricsOf(record).catch(() => runMetrics(record, null));
    if (request === this.newestRequest) this.newest.value = { record, metrics };
  }

  async saveFromRun(record: RunRecord): Promise<void> {
    try {
      const saved = await this.store.saveBaseline(baselineFromRun(record, await this.metricsOf(record), Date.now()));
      batch(() => {
        this.list.value = [saved, ...this.list.value];
        this.selectedId.value = saved.id ?? null;
        this.message.value = { kind: 'notice', text: `Saved “${saved.name}” as a baseline.` };
      });
    } catch (error) {
      this.message.value = { kind: 'error', text: error instanceof Error ? error.message : String(error) };
    }
  }

  async remove(id: number): Promise<void> {
    try {
      await this.store.deleteBaseline(id);
      batch(() => {
        this.list.value = this.list.value.filter((b) => b.id !== id);
        if (this.selectedId.value === id) this.selectedId.value = this.list.value[0]?.id ?? null;
      });
    } catch (error) {
      this.message.value = { kind: 'error', text: `The baseline could not be deleted: ${error instanceof Error ? error.message : String(error)}` };
    }
  }

  setTolerancePct(value: number): void {
    if (!(value > 0 && value <= 500)) return;
    this.tolerancePct.value = value;
    try {
      localStorage.setItem(TOLERANCE_KEY, String(value));
    } catch {
      // A preference only: the panel works without it.
    }
  }
}
