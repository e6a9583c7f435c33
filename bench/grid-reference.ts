/**
 * The agreement check's reference sequence, built in Node: a fixed text, tokenized by the grid model's
 * tokenizer, cut to a prefix and the forced positions (bench/grid-agreement.ts). A fixed text rather
 * than one engine's greedy continuation, so that no engine is the yardstick the others are measured
 * on, every run and machine forces the same ids, and each forced position sees a different context
 * (a greedy continuation of the seeded weights repeats a short word pattern). For wllama, which takes
 * prompts only as text, each prefix's text is checked to tokenize back to exactly its ids in llama.cpp.
 */
import type { PreTrainedTokenizer } from '@huggingface/transformers';
import { FORCED_POSITIONS, forcedPrefix, forcedSequence } from './grid-agreement.ts';

const REFERENCE_TEXT =
  'Once upon a time, there was a little girl named Lily. She loved to play outside in the park with her dog, Max. ' +
  'One sunny day, Lily and Max went to the park to play with a red ball. They ran and jumped and laughed all day long. ' +
  'When the sun went down, they walked home slowly, and Lily told her mom about the big tree, the pond with three ducks, ' +
  'and the old man who sold warm bread at the gate. Her mom smiled and said that tomorrow they could bring some bread ' +
  'for the ducks. That night Lily dreamed of a tall ship that sailed over the hills, with Max at the wheel and the ducks ' +
  'singing in the sails. In the morning she woke up early, put on her yellow boots, and ran to the kitchen to find the ' +
  'bread. Max was already waiting by the door, his tail going round and round like a little fan.';

export interface GridReference {
  /** The whole sequence as token ids. */
  tokens: number[];
  /** The first forced position. */
  from: number;
  /** The text of tokens[0..i) for each forced position i. */
  prefixTexts: string[];
}

/** The sequence, and each forced prefix's text checked against `llamaTokens` (the GGUF file's tokenizer). */
export async function gridReference(tokenizer: PreTrainedTokenizer, contextLength: number, llamaTokens: (text: string) => Promise<number[]>): Promise<GridReference> {
  const { tokens, from } = forcedSequence(tokenizer.encode(REFERENCE_TEXT) as number[], forcedPrefix(contextLength, FORCED_POSITIONS), FORCED_POSITIONS);
  const prefixTexts: string[] = [];
  for (let i = from; i < tokens.length; i++) {
    const text = tokenizer.decode(tokens.slice(0, i), { skip_special_tokens: true });
    const read = await llamaTokens(text);
    if (read.length !== i || read.some((id, k) => id !== tokens[k])) {
      throw new Error(`the reference text's first ${i} tokens read back as ${read.length} different ids in llama.cpp (from ${read.findIndex((id, k) => id !== tokens[k])}): wllama, which takes text, could not be forced along them`);
    }
    prefixTexts.push(text);
  }
  return { tokens, from, prefixTexts };
}
