/**
 * The `remote` engine in a worker of its own, like every engine: the page's single-model client and
 * the scheduler's members start it the same way and cannot tell it from a local one. Its fetches
 * leave from here; the API key arrives with `load` and stays in this worker.
 */
import { exposeEngine } from './expose-engine.ts';
import { RemoteEngine, browserRemoteDeps } from './remote-engine.ts';

exposeEngine(new RemoteEngine(browserRemoteDeps()));
