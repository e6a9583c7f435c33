import { TransformersEngine } from './transformers-engine.ts';
import { exposeEngine } from './expose-engine.ts';

exposeEngine(
  new TransformersEngine({
    modelsPath: `${import.meta.env.BASE_URL}models/`,
    ortUrl: new URL(`${import.meta.env.BASE_URL}ort/${__ORT_VERSION__}/`, self.location.origin).href,
  }),
);
