import { TransformersEngine } from './transformers-engine.ts';
import { exposeEngine } from './expose-engine.ts';

const base = new URL(import.meta.env.BASE_URL, self.location.origin);

exposeEngine(
  new TransformersEngine({
    modelsUrl: new URL('models/', base).href,
    ortUrl: new URL(`ort/${__ORT_VERSION__}/`, base).href,
  }),
);
