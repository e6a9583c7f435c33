import { useEffect } from 'preact/hooks';
import type { Session } from './session.ts';
import type { HardwareStore } from '../device/hardware.ts';
import { hasHardwareGpu } from '../../tiers/index.ts';
import { calibratedPrefillRate, engineBackend, measuredPrefillRate, promptHint, utf8Length } from './prompt-estimate.ts';

/** Below this many bytes no tokenizer makes a long prompt, so its tokenizer.json is not worth reading. */
const TOKENIZER_NEEDED_BYTES = 256;

/** A long prompt's time to first token, estimated before it is sent (issue 3's prompt pre-flight). */
export function PromptEstimate({ session, hardware }: { session: Session; hardware: HardwareStore }) {
  const model = session.available.value.find((m) => m.id === session.modelId.value);
  const prompt = session.prompt.value;
  const needsTokenizer = model !== undefined && prompt.length >= TOKENIZER_NEEDED_BYTES / 4 && utf8Length(prompt) >= TOKENIZER_NEEDED_BYTES;
  useEffect(() => {
    if (needsTokenizer) void hardware.tokenizationOf(model.id);
  }, [needsTokenizer, model?.id]);

  const shape = model ? hardware.shapes.value.get(model.id) : undefined;
  const resolved = hardware.profile.value;
  const report = hardware.report.value;
  if (!model || !shape || !resolved || !report) return null;

  const backend = engineBackend(session.device.value, hasHardwareGpu(report));
  const threads = backend === 'wasm' ? (hardware.wasmThreadsFor(model.parameters) ?? 1) : 1;
  const last = session.lastRun.value;
  const runs = last ? [last, ...session.history.value] : session.history.value;
  const measured = measuredPrefillRate(runs, model.id, backend);
  const calibration = hardware.calibration.value;
  const hint = promptHint({
    prompt,
    shape,
    tokenization: hardware.tokenizations.value.get(model.id) ?? null,
    profile: resolved.profile,
    rateFor: (tokens) => measured ?? calibratedPrefillRate(calibration, backend, shape, tokens, threads),
  });
  if (!hint) return null;

  return (
    <p class={`prompt-estimate ${hint.result.verdict}`} data-testid="ttft-estimate" data-verdict={hint.result.verdict} data-tokens={hint.tokens} data-source={hint.rate.source}>
      <span data-testid="ttft-estimate-message">
        {hint.result.message}
        {hint.result.suggestion && ` ${hint.result.suggestion}`}
      </span>
      {hint.contextTokens !== null && (
        <span class="bad" data-testid="ttft-estimate-context">
          {' '}
          That is more than {model.id}'s context of {hint.contextTokens.toLocaleString('en-US')} tokens.
        </span>
      )}
      <span class="hint">
        {' '}
        Prefill rate {hint.rate.detail}; token count {hint.exactTokens ? 'exact (byte-level tokenizer)' : 'estimated at 4 bytes per token'}.
      </span>
    </p>
  );
}
