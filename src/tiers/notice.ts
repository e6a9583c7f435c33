// The one-line start-up notice: which tier, why, and what it means for the user
// ("Low tier: software WebGPU adapter, council of 1, 30 FPS cap").

import { TIER_PROFILES } from './profiles';
import type { TierDecision } from './report';

export function tierNotice(decision: TierDecision): string {
  const profile = TIER_PROFILES[decision.tier];
  const why = [...new Set(decision.reasons.filter((r) => r.decisive).map((r) => r.short))].join(', ');
  const detectedLabel = TIER_PROFILES[decision.detected].label;
  const head = decision.overridden
    ? `${profile.label} tier (your choice; detected ${detectedLabel}${why ? `: ${why}` : ''})`
    : `${profile.label} tier${why ? `: ${why}` : ''}`;

  const { council, frames } = profile;
  const members =
    council.mode === 'serial'
      ? `council of ${council.cap}, others queue`
      : council.stretchCap > council.recommended
        ? `council of ${council.recommended} (up to ${council.stretchCap}${council.stretchCap > council.cap ? ' if small models fit' : ''})`
        : `council of ${council.recommended}`;
  // Low caps the frame rate on purpose (the CPU that draws also decodes); the others aim for it.
  const fps = decision.tier === 'low' ? `${frames.targetFps} FPS cap` : `${frames.targetFps} FPS`;
  return `${head}, ${members}, ${fps}`;
}
