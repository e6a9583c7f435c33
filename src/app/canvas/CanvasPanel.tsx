import { useCallback, useEffect, useRef } from 'preact/hooks';
import type { Visuals } from './visuals.ts';
import { QUALITY_LABEL, QUALITY_LEVELS, type QualityChoice } from '../quality/quality-rule.ts';
import { RATE_WINDOW_MS } from './energy.ts';
import type { PluginsStore } from '../plugins/plugins-store.ts';
import './canvas.css';

/** The living canvas of the Run and Council views (beside them on a wide screen, under them on a narrow one), with its quality control, lane legend and the plugins' layers. */
export function CanvasPanel({ visuals, plugins }: { visuals: Visuals; plugins?: PluginsStore | undefined }) {
  const { quality, canvas } = visuals;
  const ref = useRef<HTMLCanvasElement>(null);
  const surface = canvas?.surface.value ?? 0;
  useEffect(() => {
    if (!canvas || !ref.current) return;
    canvas.attach(ref.current, quality.level.peek());
    return () => canvas.detach();
  }, [canvas, surface]);
  const level = quality.level.value;
  useEffect(() => canvas?.setLevel(level), [canvas, level]);
  const paused = quality.canvasPaused.value;
  useEffect(() => canvas?.setPaused(paused), [canvas, paused, surface]);
  useEffect(() => {
    if (!plugins || !canvas) return;
    plugins.setCanvasLive(() => !canvas.stats.paused);
    return () => plugins.setCanvasLive(null);
  }, [plugins, canvas]);
  // The layers are drawn at the surface's size, lanes and all: the plugins hear of every change.
  useEffect(() => {
    if (!plugins || !canvas) return;
    const stop = canvas.geometry.subscribe((geometry) => plugins.setCanvasGeometry(geometry));
    return () => {
      stop();
      plugins.setCanvasGeometry(null);
    };
  }, [plugins, canvas]);
  const layers = canvas && plugins ? plugins.drawing.value : [];
  const lanes = canvas?.lanes.value ?? [];
  const choice = quality.choice.value;
  const fallback = canvas && canvas.stats.renderer === '2d' ? canvas.stats.fallbackReason : null;
  return (
    <section class="living-canvas" aria-label="Live token canvas" data-testid="canvas-panel" data-level={level} data-paused={String(paused)} data-renderer={canvas?.stats.renderer ?? 'off'} data-thread={canvas?.stats.thread ?? 'none'}>
      {canvas ? (
        <div class="living-canvas-stage">
          <canvas key={surface} ref={ref} class="living-canvas-surface" data-testid="living-canvas" role="img" aria-label="Each token as light in its model's lane; brighter is faster" />
          {plugins && layers.length > 0 && (
            // Pictures only, over the surface and nothing else: the text below names them; clicks and focus pass through.
            <div class="living-canvas-plugin-layers" aria-hidden="true">
              {layers.map((layer) => (
                <PluginLayer key={layer.id} id={layer.id} plugins={plugins} />
              ))}
            </div>
          )}
        </div>
      ) : (
        <p class="living-canvas-off" data-testid="canvas-off">
          Canvas off (<code>canvas=off</code> in the address).
        </p>
      )}
      {layers.length > 0 && (
        <p class="visually-hidden" data-testid="canvas-plugin-layers-text">
          Plugin layers drawn over the canvas: {layers.map((l) => l.name).join(', ')}.
        </p>
      )}
      <div class="living-canvas-bar">
        <ul class="living-canvas-lanes" data-testid="canvas-lanes" aria-label={`Lanes, tokens per second over the last ${RATE_WINDOW_MS / 1000} s`}>
          {lanes.map((lane) => (
            <li key={lane.id} data-testid="canvas-lane" data-lane={lane.id} data-energy={lane.energy.toFixed(2)}>
              <span class="swatch" style={{ background: lane.color, opacity: 0.35 + 0.65 * lane.energy }} aria-hidden="true" />
              {lane.label} <span class="hint">{lane.tokensPerSecond.toFixed(0)} tok/s (last {RATE_WINDOW_MS / 1000} s)</span>
            </li>
          ))}
        </ul>
        <label class="living-canvas-quality">
          Visual quality{' '}
          <select data-testid="quality-select" value={choice} onChange={(e) => quality.choose(e.currentTarget.value as QualityChoice)}>
            <option value="auto">Auto ({QUALITY_LABEL[level]})</option>
            {QUALITY_LEVELS.map((l) => (
              <option key={l} value={l}>
                {QUALITY_LABEL[l]}
              </option>
            ))}
          </select>
        </label>
      </div>
      {canvas && paused && (
        <p class="living-canvas-paused" data-testid="canvas-paused">
          Canvas paused to keep the page smooth: frames stayed late even at Lite. The text and the lane rates go on; it resumes by
          itself once frames are on time.{' '}
          <button type="button" data-testid="canvas-resume" onClick={() => quality.resume()}>
            Resume now
          </button>
        </p>
      )}
      {fallback && (
        <p class="hint" data-testid="canvas-fallback">
          Drawing on a plain 2D canvas at Lite: {fallback}.
        </p>
      )}
      <p class="visually-hidden" aria-live="polite" data-testid="quality-announcement" data-seq={quality.announcementSeq.value}>
        {quality.announcement.value}
      </p>
    </section>
  );
}

/**
 * One plugin's layer, at the layer's size (the surface's device pixels, unless capped), laid over the
 * whole surface; its ref is stable, so the store gets the canvas's context once, not on every render.
 */
function PluginLayer({ id, plugins }: { id: string; plugins: PluginsStore }) {
  const ref = useCallback((c: HTMLCanvasElement | null) => plugins.setOverlay(id, c), [plugins, id]);
  const { width, height } = plugins.layerGeometry.value;
  return <canvas width={width} height={height} data-testid="canvas-plugin-layer" data-plugin={id} ref={ref} />;
}
