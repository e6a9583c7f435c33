/**
 * An 8-turn conversation on the quick model with and without KV reuse, through the engine's own
 * generation code (TransformersGenerator) on onnxruntime-node: TTFT per turn on the engine's clock
 * (request start, with template, tokenization and cache trimming, to the first token). Without
 * reuse every turn gets a generator with no cache, as a fresh engine would. It runs in Node, so the
 * figures are the engine's alone (the app's chat view is checked for reuse by e2e); they are not gated.
 */
import { AutoModelForCausalLM, AutoTokenizer, env } from '@huggingface/transformers';
import { TransformersGenerator } from '../src/workers/transformers-generator.ts';
import type { ChatMessage } from '../src/models/chat.ts';
import { spread, type Spread } from './ratios.ts';

export interface ConversationPlan {
  model: string;
  turns: number;
  maxNewTokens: number;
  /** The whole conversation is played this many times each way; per-turn figures are medians. */
  repeats: number;
  threads: number;
}

export interface ConversationTurnFigures {
  turn: number;
  promptTokens: number;
  reusedPromptTokens: number;
  droppedMessages: number;
  ttftMs: Spread;
}

export interface ConversationBench {
  plan: ConversationPlan;
  withReuse: ConversationTurnFigures[];
  withoutReuse: ConversationTurnFigures[];
  /** Median TTFT of the last turn ÷ the first; the target with reuse is ≤ 1.5. */
  lastOverFirst: { withReuse: number; withoutReuse: number };
  /**
   * Every turn's text was the same both ways (greedy). With reuse a later prompt holds the earlier
   * answers as the tokens the model generated, without it as their text tokenized afresh; where those
   * differ (wf-stories15m's filler words come back as bytes) the model reads other tokens and may
   * answer otherwise, so this holds only for answers that re-tokenize to themselves (wf-tiny).
   */
  sameText: boolean;
}

export function conversationPlanFor(mode: 'quick' | 'full', threads: number): ConversationPlan {
  // wf-stories15m reads 256 tokens; its answers are word-salad fillers that re-tokenize into ~6 byte
  // tokens each, so short turns keep all 8 inside the context (none dropped) and the figures are about reuse.
  return { model: 'wf-stories15m', turns: 8, maxNewTokens: 3, repeats: mode === 'full' ? 9 : 7, threads };
}

const userTurn = (i: number): string => `Go on ${i + 1}.`;

export async function measureConversation(modelsDir: string, plan: ConversationPlan): Promise<ConversationBench> {
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = modelsDir.endsWith('/') ? modelsDir : modelsDir + '/';
  const tokenizer = await AutoTokenizer.from_pretrained(plan.model);
  const model = await AutoModelForCausalLM.from_pretrained(plan.model, {
    device: 'cpu',
    dtype: 'fp32',
    session_options: { intraOpNumThreads: plan.threads, interOpNumThreads: 1 },
  });
  const fresh = (): TransformersGenerator => new TransformersGenerator(model, tokenizer, plan.model, `${plan.model}/fp32/cpu`);
  const play = async (reuse: boolean) => {
    const shared = fresh();
    const messages: ChatMessage[] = [];
    const turns = [];
    for (let i = 0; i < plan.turns; i++) {
      messages.push({ role: 'user', content: userTurn(i) });
      const result = await (reuse ? shared : fresh()).generate({ prompt: '', messages: [...messages], maxNewTokens: plan.maxNewTokens }, () => {}, new AbortController().signal);
      messages.push({ role: 'assistant', content: result.text });
      turns.push({ text: result.text, ttftMs: (result.tokenTimesMs[0] ?? Number.NaN) - result.startedAtMs, promptTokens: result.promptTokens, reused: result.reusedPromptTokens ?? 0, dropped: result.droppedMessages ?? 0 });
    }
    await shared.dropCache();
    return turns;
  };
  try {
    // Warm-up (excluded): ORT's first runs of each input shape are slower.
    await play(true);
    await play(false);
    const runs: { withReuse: Awaited<ReturnType<typeof play>>[]; withoutReuse: Awaited<ReturnType<typeof play>>[] } = { withReuse: [], withoutReuse: [] };
    for (let r = 0; r < plan.repeats; r++) {
      // Alternate which way goes first, so neither always runs on a warmer machine.
      for (const reuse of r % 2 === 0 ? [true, false] : [false, true]) (reuse ? runs.withReuse : runs.withoutReuse).push(await play(reuse));
    }
    const figures = (plays: Awaited<ReturnType<typeof play>>[]): ConversationTurnFigures[] =>
      plays[0]!.map((first, turn) => ({
        turn: turn + 1,
        promptTokens: first.promptTokens,
        reusedPromptTokens: first.reused,
        droppedMessages: first.dropped,
        ttftMs: spread(plays.map((p) => p[turn]!.ttftMs)),
      }));
    const withReuse = figures(runs.withReuse);
    const withoutReuse = figures(runs.withoutReuse);
    const ratio = (turns: ConversationTurnFigures[]): number => turns.at(-1)!.ttftMs.median / turns[0]!.ttftMs.median;
    return {
      plan,
      withReuse,
      withoutReuse,
      lastOverFirst: { withReuse: ratio(withReuse), withoutReuse: ratio(withoutReuse) },
      sameText: runs.withReuse.every((p, r) => p.every((t, i) => t.text === runs.withoutReuse[r]![i]!.text)),
    };
  } finally {
    await model.dispose();
  }
}

export function printConversation(bench: ConversationBench): void {
  const { plan } = bench;
  console.log(`\nConversation (${plan.model}, ${plan.turns} turns, ${plan.maxNewTokens} new tokens a turn, Node/ORT ${plan.threads} thread(s), median of ${plan.repeats}):`);
  console.log('  turn  prompt  reused  TTFT ms with reuse    prompt without  TTFT ms without');
  bench.withReuse.forEach((t, i) => {
    const w = bench.withoutReuse[i]!;
    console.log(
      `  ${String(t.turn).padEnd(5)} ${String(t.promptTokens).padEnd(7)} ${String(t.reusedPromptTokens).padEnd(7)} ${t.ttftMs.median.toFixed(1).padEnd(21)} ${String(w.promptTokens).padEnd(15)} ${w.ttftMs.median.toFixed(1)}`,
    );
  });
  console.log(`  last ÷ first turn TTFT: with reuse ${bench.lastOverFirst.withReuse.toFixed(2)} (target ≤ 1.5), without ${bench.lastOverFirst.withoutReuse.toFixed(2)}; same text both ways: ${bench.sameText ? 'yes' : 'NO (the earlier answers are other tokens each way)'}`);
}
