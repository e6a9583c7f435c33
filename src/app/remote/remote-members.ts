/**
 * Council member choices for the models on the user's inference servers: no footprint here (the model
 * lives on its server), an empty shape for the pre-flight (which leaves remote members out anyway),
 * and the endpoint with its slots, so the scheduler runs no more of them at once than the server takes.
 */
import type { MemberChoice } from '../../scheduler/member-choices.ts';
import { footprintOnlySpec } from '../../scheduler/council-preflight.ts';
import { ENGINE_DTYPE } from '../../models/model-spec.ts';
import { memberOf, type RemoteChoice } from './endpoint-list.ts';

export function remoteMemberChoices(choices: readonly RemoteChoice[]): MemberChoice[] {
  return choices.map((c) => ({
    key: c.id,
    label: c.label,
    kind: 'remote',
    engine: 'remote',
    modelId: c.id,
    footprintBytes: 0,
    spec: footprintOnlySpec(c.id, 0, ENGINE_DTYPE),
    remote: memberOf(c.endpoint),
  }));
}
