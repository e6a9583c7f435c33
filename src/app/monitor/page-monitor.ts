/**
 * Wires the page's monitor to the page's parts: the frame loop, the token feed, the single-model
 * session, the council, the canvas's quality, the tier's profile and the audit log (alerts are written to the same
 * IndexedDB log as the scheduler's decisions). Also installs the clearly named debug handle
 * `window.__wirthforge.monitor` (end-to-end tests use its `debugSlowFrames`).
 */
import { computed } from '@preact/signals';
import { AuditLog } from '../../scheduler/audit-log.ts';
import { councilStore } from '../council/council-store.ts';
import type { HardwareStore } from '../device/hardware.ts';
import type { Session } from '../single/session.ts';
import { frameLoop } from '../perf/frame-loop.ts';
import { tokenFeed } from '../perf/token-feed.ts';
import { Monitor } from './monitor.ts';
import type { Visuals } from '../canvas/visuals.ts';

/** `visuals`: the quality an FPS alert may name as lowered (none when the canvas is off). */
export function pageMonitor(hardware: HardwareStore, session: Session, visuals: Visuals): Monitor {
  const monitor = new Monitor({
    frameLoop,
    tokenFeed,
    session,
    council: councilStore(hardware, session.available),
    quality: visuals.canvas ? visuals.quality : null,
    profile: computed(() => hardware.profile.value?.profile ?? null),
    audit: new AuditLog(`page-${Date.now().toString(36)}`),
  });
  const w = globalThis as { __wirthforge?: Record<string, unknown> };
  w.__wirthforge = { ...w.__wirthforge, monitor };
  return monitor;
}
