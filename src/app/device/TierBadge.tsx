import type { HardwareStore } from './hardware.ts';
import type { ViewStore } from '../views/view-store.ts';
import { TIER_PROFILES } from '../../tiers/index.ts';
import { ViewLink } from '../views/ViewLink.tsx';

/**
 * The device in one word, in the header: its tier, a link to the full card in the Device view. It
 * carries the calibration's state too, so the bench and the tests can wait for calibration without
 * opening the Device view (built only when first opened).
 */
export function TierBadge({ hardware, views }: { hardware: HardwareStore; views: ViewStore }) {
  const decision = hardware.decision.value;
  const label = decision ? `${TIER_PROFILES[decision.tier].label} tier` : 'Detecting…';
  return (
    <ViewLink views={views} to="device" class={`tier-badge tier-link ${decision ? `tier-${decision.tier}` : ''}`} data-testid="tier-badge" data-tier={decision?.tier ?? ''} data-calibration={hardware.calibrationState.value.status}>
      {label}
      {decision?.overridden && ' (yours)'}
      <span class="visually-hidden">: this device, in the Device view</span>
    </ViewLink>
  );
}
