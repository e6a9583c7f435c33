/**
 * "Inference servers": add an endpoint (address, optional API key, optional model, parallel slots),
 * test it (its models and the round trip), agree once that prompts go there, and it appears in the
 * model select and the council's member select. Server replies are shown as text only.
 */
import { useState } from 'preact/hooks';
import type { RemoteServerKind } from '../../workers/engine.ts';
import { consentNotice, DEFAULT_TIMEOUT_MS, MAX_SLOTS, type RemoteEndpoint } from './endpoint-list.ts';
import type { RemoteStore, TestState } from './remote-store.ts';
import './remote.css';

const SERVER_LABELS: Record<RemoteServerKind | 'auto', string> = {
  auto: 'Guess from the port',
  'llama.cpp': 'llama.cpp (llama-server)',
  ollama: 'Ollama',
  'lm-studio': 'LM Studio',
  vllm: 'vLLM',
  other: 'Other OpenAI-compatible',
};

export function RemoteEndpointsPanel({ store }: { store: RemoteStore }) {
  const [baseUrl, setBaseUrl] = useState('');
  const [apiKey, setApiKey] = useState('');
  const [model, setModel] = useState('');
  const [slots, setSlots] = useState(1);
  const [server, setServer] = useState<RemoteServerKind | 'auto'>('auto');
  const [timeoutS, setTimeoutS] = useState(DEFAULT_TIMEOUT_MS / 1000);
  const message = store.message.value;
  const add = (): void => {
    const added = store.add({ baseUrl, apiKey, model, slots, server, timeoutMs: Math.round(timeoutS * 1000) });
    if (added) {
      setBaseUrl('');
      setApiKey('');
      setModel('');
      void store.test(added.id);
    }
  };
  return (
    <section class="panel remote-panel" aria-labelledby="remote-heading" data-testid="remote-panel">
      <h2 id="remote-heading">Inference servers</h2>
      <p class="hint">
        Run a model on a server (llama.cpp’s llama-server, vLLM, Ollama, LM Studio — any OpenAI-compatible API) as a single model or a council member. Prompts
        sent to a server leave this device.
      </p>
      <form
        class="remote-form"
        onSubmit={(e) => {
          e.preventDefault();
          add();
        }}
      >
        <label>
          Server address
          <input data-testid="remote-url" type="url" required placeholder="http://127.0.0.1:8080" value={baseUrl} onInput={(e) => setBaseUrl(e.currentTarget.value)} />
        </label>
        <label>
          API key (optional, kept on this device)
          <input data-testid="remote-key" type="password" autocomplete="off" value={apiKey} onInput={(e) => setApiKey(e.currentTarget.value)} />
        </label>
        <label>
          Model (optional: the first it lists)
          <input data-testid="remote-model" type="text" value={model} onInput={(e) => setModel(e.currentTarget.value)} />
        </label>
        <label>
          Parallel slots
          <input data-testid="remote-slots" type="number" min={1} max={MAX_SLOTS} value={slots} onInput={(e) => setSlots(Math.round(Number(e.currentTarget.value)))} />
        </label>
        <label>
          Server
          <select data-testid="remote-server" value={server} onChange={(e) => setServer(e.currentTarget.value as RemoteServerKind | 'auto')}>
            {Object.entries(SERVER_LABELS).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <label>
          Timeout (s)
          <input data-testid="remote-timeout" type="number" min={0.5} max={600} step={0.5} value={timeoutS} onInput={(e) => setTimeoutS(Number(e.currentTarget.value))} />
        </label>
        <button data-testid="remote-add" type="submit">
          Add server
        </button>
      </form>
      {message && (
        <p class={message.kind === 'error' ? 'error' : 'hint'} role={message.kind === 'error' ? 'alert' : 'status'} data-testid="remote-message">
          {message.text}
        </p>
      )}
      <ul class="remote-list">
        {store.endpoints.value.map((endpoint) => (
          <EndpointRow key={endpoint.id} endpoint={endpoint} store={store} test={store.tests.value.get(endpoint.id) ?? null} />
        ))}
      </ul>
    </section>
  );
}

function EndpointRow({ endpoint, store, test }: { endpoint: RemoteEndpoint; store: RemoteStore; test: TestState | null }) {
  const models = test?.status === 'ok' ? test.report.models : [];
  return (
    <li class="remote-endpoint" data-testid="remote-endpoint" data-endpoint-id={endpoint.id} data-consented={String(endpoint.consented)}>
      <div class="row">
        <strong>{endpoint.baseUrl}</strong>
        <span>
          {SERVER_LABELS[endpoint.server]}, {endpoint.slots} slot{endpoint.slots === 1 ? '' : 's'}
          {endpoint.apiKey ? ', API key set' : ''}
        </span>
        {models.length > 0 ? (
          <label>
            Model
            <select data-testid="remote-endpoint-model" value={endpoint.model} onChange={(e) => store.setModel(endpoint.id, e.currentTarget.value)}>
              {!models.includes(endpoint.model) && endpoint.model && <option value={endpoint.model}>{endpoint.model} (not listed)</option>}
              {models.map((m) => (
                <option key={m} value={m}>
                  {m}
                </option>
              ))}
            </select>
          </label>
        ) : (
          <span data-testid="remote-endpoint-model-name">{endpoint.model || 'model: the first it lists'}</span>
        )}
        <button type="button" data-testid="remote-test" disabled={test?.status === 'testing'} onClick={() => void store.test(endpoint.id)}>
          Test connection
        </button>
        <button type="button" data-testid="remote-remove" onClick={() => store.remove(endpoint.id)}>
          Remove
        </button>
      </div>
      {test && (
        <p class={test.status === 'failed' ? 'error' : 'status'} data-testid="remote-test-result" data-status={test.status} data-code={test.status === 'failed' ? test.code : undefined}>
          {test.status === 'testing' && 'Testing…'}
          {test.status === 'ok' &&
            `Connected: ${test.report.models.length} model${test.report.models.length === 1 ? '' : 's'} (${test.report.models.slice(0, 6).join(', ')}${test.report.models.length > 6 ? ', …' : ''}), round trip ${test.report.roundTripMs.toFixed(1)} ms.`}
          {test.status === 'failed' && test.message}
        </p>
      )}
      {!endpoint.consented && (
        <div class="remote-consent" role="note" data-testid="remote-consent-notice">
          <p>{consentNotice(endpoint)}</p>
          <button type="button" data-testid="remote-consent" onClick={() => store.consent(endpoint.id)}>
            Send prompts to this server
          </button>
        </div>
      )}
    </li>
  );
}
