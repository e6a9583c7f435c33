import { useEffect, useRef } from 'preact/hooks';
import type uPlot from 'uplot';
import { CHART_SERIES, type Monitor } from './monitor.ts';
import type { RingSeries } from './series.ts';
import './monitor.css';

interface ChartSpec {
  key: keyof typeof CHART_SERIES;
  title: string;
  unit: string;
  colors: readonly string[];
  /** Series drawn as points only (values that exist at one instant: a prompt's latency). */
  pointsOnly?: boolean;
}

const TARGET_DASH = [6, 4];

const CHARTS: readonly ChartSpec[] = [
  { key: 'tps', title: 'Tokens/s', unit: 'tok/s', colors: ['#7cc4ff', '#8be28b', '#ffc36b', '#9aa3b2', '#e6e8ee'] },
  { key: 'latency', title: 'Latency per prompt', unit: 'ms', colors: ['#7cc4ff', '#ffc36b', '#9aa3b2', '#e6e8ee'], pointsOnly: true },
  { key: 'frames', title: 'Frame time', unit: 'ms', colors: ['#8be28b', '#ff7a7a', '#9aa3b2', '#e6e8ee'] },
];

function options(spec: ChartSpec, width: number): uPlot.Options {
  const names = CHART_SERIES[spec.key];
  return {
    title: spec.title,
    width,
    height: 160,
    scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(1, (Number.isFinite(max) ? max : 0) * 1.1)] } },
    axes: [
      { stroke: '#9aa3b2', grid: { stroke: '#2a2f3a' } },
      { stroke: '#9aa3b2', grid: { stroke: '#2a2f3a' }, label: spec.unit, size: 60 },
    ],
    series: [
      {},
      ...names.map((label, i): uPlot.Series => {
        // The tier's targets are the last two series of every chart: dashed lines.
        const isTarget = i >= names.length - 2;
        const stroke = spec.colors[i] ?? '#e6e8ee';
        if (isTarget) return { label, stroke, dash: TARGET_DASH, width: 1, points: { show: false } };
        if (spec.pointsOnly) return { label, stroke, width: 0, paths: () => null, points: { show: true, size: 7, fill: stroke } };
        return { label, stroke, width: 1.5, points: { show: false } };
      }),
    ],
  };
}

/** uPlot and its styles, fetched the first time the charts open: most visits never open them. */
function loadChartLibrary(): Promise<typeof uPlot> {
  return Promise.all([import('uplot'), import('uplot/dist/uPlot.min.css')]).then(([module]) => module.default);
}

function Chart({ spec, ring, version }: { spec: ChartSpec; ring: RingSeries; version: number }) {
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  useEffect(() => {
    const element = host.current!;
    let disposed = false;
    let dispose = (): void => {};
    void loadChartLibrary().then((UPlot) => {
      if (disposed) return;
      const chart = new UPlot(options(spec, Math.max(240, element.clientWidth)), ring.columns() as uPlot.AlignedData, element);
      plot.current = chart;
      const resize = new ResizeObserver(() => chart.setSize({ width: Math.max(240, element.clientWidth), height: 160 }));
      resize.observe(element);
      dispose = () => {
        resize.disconnect();
        chart.destroy();
        plot.current = null;
      };
    });
    return () => {
      disposed = true;
      dispose();
    };
  }, [spec, ring]);
  useEffect(() => {
    plot.current?.setData(ring.columns() as uPlot.AlignedData);
  }, [version, ring]);
  return <div class="live-chart" ref={host} data-testid={`chart-${spec.key}`} />;
}

/** Tokens/s, latency and frame time over the last five minutes, one sample a second, with the tier's targets. */
export function LiveCharts({ monitor }: { monitor: Monitor }) {
  const open = monitor.chartsOpen.value;
  return (
    <section class="panel live-charts" aria-labelledby="live-charts-heading">
      <div class="live-charts-head">
        <h2 id="live-charts-heading">Live charts</h2>
        <button type="button" aria-expanded={open} aria-controls={open ? 'live-charts-body' : undefined} data-testid="charts-toggle" onClick={() => monitor.toggleCharts()}>
          {open ? 'Hide charts' : 'Show charts'}
        </button>
      </div>
      {open && <ChartsBody monitor={monitor} />}
    </section>
  );
}

function ChartsBody({ monitor }: { monitor: Monitor }) {
  const version = monitor.chartVersion.value;
  return (
    <div id="live-charts-body">
      <p class="hint">Last five minutes, one sample a second; dashed lines are this tier's targets (goal and limit).</p>
      {CHARTS.map((spec) => (
        <Chart key={spec.key} spec={spec} ring={monitor.charts[spec.key]} version={version} />
      ))}
    </div>
  );
}
