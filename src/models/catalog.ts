/**
 * Models the app knows how to run from its own origin. Which of them a build actually carries is
 * read from the generated manifest; the rest are shown as "not generated" rather than hidden, so a
 * user learns how to get them.
 */
export interface CatalogModel {
  id: string;
  label: string;
  description: string;
}

export const DEFAULT_MODEL_ID = 'wf-tiny';

export const CATALOG: readonly CatalogModel[] = [
  { id: 'wf-tiny', label: 'wf-tiny (test model, ~100 KB)', description: 'Constructed weights: continues any byte sequence ("a" → "bcdef…"). Checks the whole engine path with an exact answer.' },
  { id: 'wf-stories15m', label: 'wf-stories15m (15M, random weights)', description: 'Shape of llama2.c stories15M with seeded random weights: real compute cost, meaningless text.' },
  { id: 'wf-smollm2-135m', label: 'wf-smollm2-135m (135M, random weights)', description: 'Shape of SmolLM2-135M with seeded random weights (539 MB). Generate it with "npm run models -- --all".' },
];
