/**
 * A decoder attends over at most its context length (prompt + generated tokens). Past it, positions
 * the model never saw in training give garbage or an error deep in the runtime, so the engine checks
 * first: a prompt that fills the context is refused with the numbers, and a request for more new
 * tokens than fit is cut to what fits (and ends with finish reason `context`).
 */
export type ContextFit =
  | { ok: true; maxNewTokens: number; limitedByContext: boolean }
  | { ok: false; message: string };

export function fitToContext(modelId: string, promptTokens: number, maxNewTokens: number, contextLength: number | undefined): ContextFit {
  if (!contextLength || contextLength <= 0) return { ok: true, maxNewTokens, limitedByContext: false };
  const room = contextLength - promptTokens;
  if (room < 1) {
    return {
      ok: false,
      message: `The prompt is ${promptTokens} tokens, and ${modelId} reads at most ${contextLength} tokens in all, so there is no room to generate. Shorten the prompt to fewer than ${contextLength} tokens.`,
    };
  }
  return room < maxNewTokens ? { ok: true, maxNewTokens: room, limitedByContext: true } : { ok: true, maxNewTokens, limitedByContext: false };
}
