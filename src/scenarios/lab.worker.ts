/** Runs the lab's measurements in a worker of their own, so the page's frames do not disturb them. */
import * as Comlink from 'comlink';
import { measureOverhead, measureQueue } from './lab.ts';
import type { LabWorkerApi } from './lab-protocol.ts';

const api: LabWorkerApi = {
  overhead: (streams, options) => measureOverhead(streams, options),
  queue: (requests, options) => measureQueue(requests, options),
};

Comlink.expose(api);
