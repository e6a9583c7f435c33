/**
 * Where transformers.js may take a model's files from, per kind of model. A bundled model comes only
 * from the app's own origin and is never put in transformers.js's cache (the service worker stores it,
 * and a cached copy would go stale after a rebuild). A hub model comes from the model hub and is kept
 * in transformers.js's Cache API store so that it loads offline next time; the app's origin is never
 * asked for it. transformers.js's `env` is global to the worker, so the engine applies these before
 * every load. Pure.
 */
import { HUB_WEIGHTS_HOST } from '../models/catalog.ts';
import { EngineError, classifyFailure, describeFailure, nameAndMessage } from './errors.ts';

export type ModelOrigin = 'bundled' | 'hub';

export interface TransformersEnvSettings {
  allowRemoteModels: boolean;
  allowLocalModels: boolean;
  useBrowserCache: boolean;
  remoteHost: string;
}

export function envFor(origin: ModelOrigin): TransformersEnvSettings {
  const remoteHost = `https://${HUB_WEIGHTS_HOST}/`;
  return origin === 'hub'
    ? { allowRemoteModels: true, allowLocalModels: false, useBrowserCache: true, remoteHost }
    : { allowRemoteModels: false, allowLocalModels: true, useBrowserCache: false, remoteHost };
}

/**
 * A hub model's failed load in words that point at the fix: the network (the same `model-unreachable`
 * sentence web-llm's models get), a file the hub does not have, or a damaged download.
 */
export function describeHubLoadFailure(modelId: string, error: unknown): EngineError {
  if (error instanceof EngineError) return error;
  const { message } = nameAndMessage(error);
  switch (classifyFailure(error)) {
    case 'not-found':
      return new EngineError('model-missing', `${HUB_WEIGHTS_HOST} does not have a file ${modelId} needs (${message}).`);
    case 'integrity':
    case 'unreadable-config':
      return new EngineError('model-corrupt', `A downloaded file of ${modelId} is damaged or incomplete (${message}). Delete it in the storage panel and load it again.`);
    case 'unknown':
      return new EngineError('generation-failed', `${modelId} could not be loaded: ${message}`);
    default:
      return describeFailure(error, { modelId, stage: 'load', host: HUB_WEIGHTS_HOST });
  }
}
