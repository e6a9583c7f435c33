/**
 * The page's remote endpoints: the list (a signal), kept in this device's localStorage only, and the
 * actions on it — add, remove, agree to the notice, pick a model, and "Test connection", which lists
 * the server's models and measures one small request's round trip from this page.
 * Which choices the model select and the council offer follows from the list (`endpoint-list.ts`).
 */
import { computed, signal } from '@preact/signals';
import { testConnection, browserRemoteDeps, type ConnectionReport } from '../../workers/remote-engine.ts';
import { toEngineError } from '../../workers/errors.ts';
import { parseRemoteModelId } from '../../models/remote-models.ts';
import type { LoadOptions } from '../../workers/engine.ts';
import { addEndpoint, connectionOf, parseStoredEndpoints, remoteChoices, type EndpointInput, type RemoteEndpoint } from './endpoint-list.ts';

const STORAGE_KEY = 'wirthforge.remote-endpoints';

export type TestState = { status: 'testing' } | { status: 'ok'; report: ConnectionReport } | { status: 'failed'; message: string; code: string };

function readStored(): RemoteEndpoint[] {
  try {
    return parseStoredEndpoints(localStorage.getItem(STORAGE_KEY));
  } catch {
    return [];
  }
}

export class RemoteStore {
  readonly endpoints = signal<RemoteEndpoint[]>(readStored());
  readonly tests = signal<ReadonlyMap<string, TestState>>(new Map());
  readonly message = signal<{ kind: 'error' | 'warning' | 'info'; text: string } | null>(null);
  readonly choices = computed(() => remoteChoices(this.endpoints.value));

  add(input: EndpointInput): RemoteEndpoint | null {
    const result = addEndpoint(this.endpoints.value, input, location.origin);
    if (!result.ok) {
      this.message.value = { kind: 'error', text: result.message };
      return null;
    }
    this.save(result.endpoints);
    this.message.value = result.warnings.length > 0 ? { kind: 'warning', text: result.warnings.join(' ') } : null;
    return result.endpoint;
  }

  remove(id: string): void {
    this.save(this.endpoints.value.filter((e) => e.id !== id));
  }

  consent(id: string): void {
    this.update(id, { consented: true });
  }

  setModel(id: string, model: string): void {
    this.update(id, { model });
  }

  async test(id: string): Promise<TestState> {
    const endpoint = this.endpoints.value.find((e) => e.id === id);
    if (!endpoint) return { status: 'failed', message: 'No such endpoint.', code: 'not-found' };
    this.setTest(id, { status: 'testing' });
    let state: TestState;
    try {
      const report = await testConnection(connectionOf(endpoint), browserRemoteDeps());
      state = { status: 'ok', report };
      if (!endpoint.model && report.models[0]) this.setModel(id, report.models[0]);
    } catch (error) {
      const failure = toEngineError(error);
      state = { status: 'failed', message: failure.message, code: failure.code };
    }
    this.setTest(id, state);
    return state;
  }

  /** What `load` needs for a remote model id: its endpoint's connection, or why it cannot run. */
  loadOptionsFor(modelId: string): Pick<LoadOptions, 'remote'> {
    const parsed = parseRemoteModelId(modelId);
    if (!parsed) return {};
    const endpoint = this.endpoints.value.find((e) => e.id === parsed.endpointId && e.consented);
    return endpoint ? { remote: { ...connectionOf(endpoint), model: parsed.model } } : {};
  }

  private update(id: string, change: Partial<RemoteEndpoint>): void {
    this.save(this.endpoints.value.map((e) => (e.id === id ? { ...e, ...change } : e)));
  }

  private setTest(id: string, state: TestState): void {
    const next = new Map(this.tests.value);
    next.set(id, state);
    this.tests.value = next;
  }

  private save(list: RemoteEndpoint[]): void {
    this.endpoints.value = list;
    try {
      localStorage.setItem(STORAGE_KEY, JSON.stringify(list));
    } catch {
      this.message.value = { kind: 'warning', text: 'This browser would not store the endpoints: they last until the page is closed.' };
    }
  }
}

/** One store for the page: the model select, the council and the endpoints panel read the same list. */
export const remoteStore = new RemoteStore();
