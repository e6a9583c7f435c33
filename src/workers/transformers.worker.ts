import { DynamicCache } from '@huggingface/transformers';
import { TransformersEngine } from './transformers-engine.ts';
import { exposeEngine } from './expose-engine.ts';
import { installCacheRelease } from './cache-release.ts';

// Each decode step's KV cache copy lands in memory the step before it just freed (cache-release.ts).
installCacheRelease(DynamicCache);

exposeEngine(
  new TransformersEngine({
    modelsPath: `${import.meta.env.BASE_URL}models/`,
    ortUrl: new URL(`${import.meta.env.BASE_URL}ort/${__ORT_VERSION__}/`, self.location.origin).href,
  }),
);
