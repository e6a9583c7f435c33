/**
 * What the pre-flight adds when a model is too big for this device: the user's own inference server,
 * if one is set up, since the model's weights then never come here. Pure over the endpoint list.
 *
 * An endpoint that already serves a model of the same name is named first; one the user has not yet
 * agreed to send prompts to is named with that step; with no endpoint at all the Remote view is named,
 * so a refusal never ends at "choose a smaller model" for a user who has a bigger machine elsewhere.
 */
import type { PreflightAnswer } from '../../tiers/index.ts';
import type { CouncilCheck } from '../../scheduler/council-preflight.ts';
import type { RemoteEndpoint } from './endpoint-list.ts';

const SERVER_NAMES: Record<RemoteEndpoint['server'], string> = {
  'llama.cpp': 'llama-server',
  ollama: 'Ollama',
  'lm-studio': 'LM Studio',
  vllm: 'vLLM',
  other: 'the inference server',
};

/** "qwen2.5-0.5b" from "onnx-community/Qwen2.5-0.5B-Instruct", "Qwen2.5-0.5B-Instruct-Q4_K_M.gguf", "qwen2.5:0.5b". */
function nameKey(name: string): string {
  const base = name.split('/').pop() ?? name;
  return base
    .toLowerCase()
    .replace(/\.gguf$/, '')
    .replace(/[-_.:](instruct|chat|it)\b.*$/, '')
    .replace(/[-_:]/g, '-');
}

function servesModel(endpoint: RemoteEndpoint, modelName: string): boolean {
  const wanted = nameKey(modelName);
  return endpoint.model !== '' && wanted.length >= 3 && nameKey(endpoint.model).startsWith(wanted);
}

/** "llama-server at 192.168.1.20:8080": how the page names an endpoint (never with its key). */
export function serverPlace(endpoint: Pick<RemoteEndpoint, 'server' | 'baseUrl'>): string {
  return `${SERVER_NAMES[endpoint.server]} at ${new URL(endpoint.baseUrl).host}`;
}

/** `choose`: how the remote choice is taken, as the model (the single-model area) or for a council member. */
export function remoteSuggestion(modelName: string, endpoints: readonly RemoteEndpoint[], choose: 'as the model' | 'for that member' = 'as the model'): string {
  if (endpoints.length === 0) return 'Or run it on an inference server of yours (llama-server, Ollama, LM Studio, vLLM): add it in the Remote view.';
  const ranked = [...endpoints].sort((a, b) => Number(servesModel(b, modelName)) - Number(servesModel(a, modelName)) || Number(b.consented) - Number(a.consented));
  const best = ranked[0]!;
  const model = best.model === '' ? '' : ` (it serves ${best.model})`;
  if (!best.consented) return `Or run it on ${serverPlace(best)}${model}: agree to send prompts there in the Remote view first.`;
  if (best.model === '') return `Or run it on ${serverPlace(best)}: pick its model in the Remote view.`;
  return `Or run it on ${serverPlace(best)}${model}: choose "${best.model} on ${new URL(best.baseUrl).host} (remote)" ${choose}.`;
}

/** A refusal gains the remote suggestion after its own; a warning or a pass is left as it is. */
export function withRemoteSuggestion(answer: PreflightAnswer | null, modelName: string, endpoints: readonly RemoteEndpoint[]): PreflightAnswer | null {
  if (!answer || answer.verdict !== 'refuse') return answer;
  const remote = remoteSuggestion(modelName, endpoints);
  return { ...answer, suggestion: answer.suggestion ? `${answer.suggestion} ${remote}` : remote };
}

/**
 * The council's pre-flight gains the server for the member that is too big for this device (the
 * same rules as a single model's); a council refused for any other reason, or not refused, is left as
 * it is. `modelNames`: the model of each member checked, in the order checked.
 */
export function withCouncilRemoteSuggestion(check: CouncilCheck, modelNames: readonly string[], endpoints: readonly RemoteEndpoint[]): CouncilCheck {
  const model = check.verdict === 'refuse' && check.tooBig !== null ? modelNames[check.tooBig] : undefined;
  return model === undefined ? check : { ...check, remote: remoteSuggestion(model, endpoints, 'for that member') };
}
