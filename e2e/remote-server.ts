/**
 * A real inference server for the remote-engine tests: a small HTTP adapter over node-llama-cpp
 * (llama.cpp's own C++, prebuilt, CPU) that speaks the part of OpenAI's API the remote engine uses,
 * in llama.cpp's `llama-server` response shape: `GET /v1/models`, `POST /v1/chat/completions`
 * streamed as SSE with a role chunk, one chunk per token, and a last chunk with `finish_reason`,
 * `usage` and llama-server's `timings`, then `[DONE]`. llama-server itself is a C++ binary that no
 * npm package ships; this adapter stands in for it on 127.0.0.1 only.
 *
 * The model is a generated GGUF file (wf-tiny), which has no chat template: the user message is
 * evaluated as plain text, so "a" answers "bcdef…" exactly.
 *
 * With `--ollama` it stands in for an Ollama server instead (a test fixture: Ollama is a Go binary no
 * npm package ships), in Ollama's native API only: `GET /api/tags` (`{models:[{name:"<name>:latest"}]}`)
 * and `POST /api/chat` streamed as NDJSON, one `{message:{content}, done:false}` line per token and a
 * last `done: true` line with `done_reason` and Ollama's counters and durations in nanoseconds. Its
 * OpenAI-compatible routes are left out, so a test sees which API the page spoke.
 *
 * Knobs for the failure tests: `--no-cors` (no CORS headers: a browser page cannot read it),
 * `--api-key` (401 without it), `--slots` (requests generating at once; one more is refused with 429
 * and Retry-After, where llama-server would queue it), `--token-delay-ms` (a slow server),
 * `--stall-after N` (sends N tokens, then nothing while keeping the connection open).
 *
 *   node --import tsx e2e/remote-server.ts --model public/models/wf-tiny-gguf-f32/wf-tiny.f32.gguf --port 4330
 *
 * It prints one JSON line `{"listening": url}` when ready, and its counters on `GET /stats`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { getLlama, LlamaLogLevel, type LlamaContext, type Token } from 'node-llama-cpp';

const { values } = parseArgs({
  options: {
    model: { type: 'string' },
    port: { type: 'string', default: '0' },
    name: { type: 'string' },
    'no-cors': { type: 'boolean', default: false },
    'api-key': { type: 'string' },
    slots: { type: 'string', default: '4' },
    'token-delay-ms': { type: 'string', default: '0' },
    'stall-after': { type: 'string' },
    ollama: { type: 'boolean', default: false },
  },
});
if (!values.model) throw new Error('--model is required');

const modelName = values.name ?? basename(values.model).replace(/\.gguf$/, '');
const slots = Math.max(1, Number(values.slots));
const tokenDelayMs = Number(values['token-delay-ms']);
const stallAfter = values['stall-after'] === undefined ? null : Number(values['stall-after']);
const cors = !values['no-cors'];
const apiKey = values['api-key'] ?? null;
const ollama = values.ollama;
/** Ollama names every model with its tag; a request without one means `:latest`. */
const servedName = ollama ? `${modelName}:latest` : modelName;

const llama = await getLlama({ gpu: false, build: 'never', logLevel: LlamaLogLevel.error });
const model = await llama.loadModel({ modelPath: values.model });
/**
 * A context of its own per slot, not one context with a sequence per slot as llama-server batches
 * them: with the sequences sharing one KV cache, a sweep's job now and then (two fresh-clone CI runs
 * in about twenty, never here, loaded or not) answered another text than wf-tiny's greedy one
 * ("bcdefefg", "bcdghijk" for "bcdefghi"), which only cells of another sequence can cause. Apart,
 * a slot's cache holds its own request's tokens alone.
 */
const contexts: LlamaContext[] = await Promise.all(Array.from({ length: slots }, () => model.createContext({ contextSize: 512, sequences: 1, threads: 1 })));

/** Each slot's one sequence, made once and reused (a disposed sequence is freed only later). */
const freeSequences = contexts.map((context) => context.getSequence());

const stats = { requests: 0, completed: 0, rejected: 0, cancelled: 0, inFlight: 0, maxInFlight: 0, unauthorized: 0 };

function corsHeaders(req: IncomingMessage): Record<string, string> {
  if (!cors) return {};
  return {
    'Access-Control-Allow-Origin': req.headers.origin ?? '*',
    'Access-Control-Allow-Headers': 'Authorization, Content-Type',
    'Access-Control-Allow-Methods': 'GET, POST, OPTIONS',
    Vary: 'Origin',
  };
}

function json(req: IncomingMessage, res: ServerResponse, status: number, body: unknown, extra: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'application/json', ...corsHeaders(req), ...extra });
  res.end(JSON.stringify(body));
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (text += chunk));
    req.on('end', () => resolve(text));
    req.on('error', reject);
  });
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

interface ChatBody {
  model?: string;
  messages?: { role: string; content: string }[];
  /** OpenAI's length limit. */
  max_tokens?: number;
  /** Ollama's options; `num_predict` is its length limit. */
  options?: { num_predict?: number };
}

/** What one token and the end of an answer look like on the wire: llama-server's SSE, or Ollama's NDJSON. */
interface Framing {
  contentType: string;
  start(): string;
  token(text: string): string;
  end(facts: { n: number; maxTokens: number; promptN: number; waitMs: number; promptMs: number; predictedMs: number }): string;
}

const NS_PER_MS = 1e6;

function framingOf(): Framing {
  const created = Math.floor(Date.now() / 1000);
  if (ollama) {
    const line = (message: string, extra: Record<string, unknown> = {}): string => `${JSON.stringify({ model: servedName, created_at: new Date().toISOString(), message: { role: 'assistant', content: message }, done: false, ...extra })}\n`;
    return {
      contentType: 'application/x-ndjson',
      start: () => '',
      token: (text) => line(text),
      end: ({ n, maxTokens, promptN, waitMs, promptMs, predictedMs }) =>
        line('', {
          done: true,
          done_reason: n >= maxTokens ? 'length' : 'stop',
          total_duration: Math.round((waitMs + promptMs + predictedMs) * NS_PER_MS),
          // The model stays loaded: what passes before evaluation starts is the runner being scheduled, which Ollama counts here too.
          load_duration: Math.round(waitMs * NS_PER_MS),
          prompt_eval_count: promptN,
          prompt_eval_duration: Math.round(promptMs * NS_PER_MS),
          eval_count: n,
          eval_duration: Math.round(predictedMs * NS_PER_MS),
        }),
    };
  }
  const id = `chatcmpl-${stats.requests}`;
  const frame = (choice: Record<string, unknown>, extra: Record<string, unknown> = {}): string =>
    `data: ${JSON.stringify({ choices: [{ index: 0, ...choice }], created, id, model: modelName, system_fingerprint: 'wf-test-server', object: 'chat.completion.chunk', ...extra })}\n\n`;
  return {
    contentType: 'text/event-stream',
    start: () => frame({ finish_reason: null, delta: { role: 'assistant', content: null } }),
    token: (text) => frame({ finish_reason: null, delta: { content: text } }),
    end: ({ n, maxTokens, promptN, promptMs, predictedMs }) =>
      frame(
        { finish_reason: n >= maxTokens ? 'length' : 'stop', delta: {} },
        {
          usage: { completion_tokens: n, prompt_tokens: promptN, total_tokens: n + promptN },
          timings: {
            cache_n: 0,
            prompt_n: promptN,
            prompt_ms: promptMs,
            prompt_per_token_ms: promptMs / Math.max(1, promptN),
            prompt_per_second: (promptN / Math.max(promptMs, 1e-3)) * 1000,
            predicted_n: n,
            predicted_ms: predictedMs,
            predicted_per_token_ms: predictedMs / Math.max(1, n),
            predicted_per_second: (n / Math.max(predictedMs, 1e-3)) * 1000,
          },
        },
      ) + 'data: [DONE]\n\n',
  };
}

async function chat(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const received = performance.now();
  const body = JSON.parse(await readBody(req)) as ChatBody;
  if (body.model && body.model !== servedName && !(ollama && `${body.model}:latest` === servedName)) {
    json(req, res, 404, ollama ? { error: `model '${body.model}' not found` } : { error: { code: 404, message: `model '${body.model}' not found`, type: 'not_found_error' } });
    return;
  }
  if (stats.inFlight >= slots) {
    stats.rejected++;
    // Ollama queues what its runners cannot take, and answers 503 once its queue is full.
    if (ollama) json(req, res, 503, { error: 'server busy, please try again.  maximum pending requests exceeded' });
    else json(req, res, 429, { error: { code: 429, message: `all ${slots} slots are busy`, type: 'unavailable_error' } }, { 'Retry-After': '1' });
    return;
  }
  stats.inFlight++;
  stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
  const sequence = freeSequences.pop()!;
  // A sequence released mid-batch can keep a token its clearing raced with; a request must start empty.
  if (sequence.nextTokenIndex > 0) await sequence.clearHistory();
  let released = false;
  // The slot is free before the last chunk goes out: a client that sends its next request the moment
  // it reads [DONE] must find it free, as it would on llama-server.
  const release = async (): Promise<void> => {
    if (released) return;
    released = true;
    await sequence.clearHistory();
    freeSequences.push(sequence);
    stats.inFlight--;
  };
  let closed = false;
  res.on('close', () => (closed = true));
  try {
    const prompt = (body.messages ?? []).filter((m) => m.role === 'user').map((m) => m.content).join('\n');
    const maxTokens = Math.max(1, Math.min((ollama ? body.options?.num_predict : body.max_tokens) ?? 16, 400));
    const framing = framingOf();
    res.writeHead(200, { 'Content-Type': framing.contentType, 'Cache-Control': 'no-cache', Connection: 'keep-alive', ...corsHeaders(req) });
    res.write(framing.start());
    const promptTokens = model.tokenize(prompt);
    const started = performance.now();
    let firstAt = started;
    const output: Token[] = [];
    for await (const token of sequence.evaluate(promptTokens, { temperature: 0 })) {
      if (closed) break;
      if (output.length === 0) firstAt = performance.now();
      output.push(token);
      if (stallAfter !== null && output.length > stallAfter) {
        // A server that stops talking but keeps the connection open.
        await new Promise<void>((resolve) => res.on('close', () => resolve()));
        break;
      }
      res.write(framing.token(model.detokenize([token])));
      if (output.length >= maxTokens) break;
      if (tokenDelayMs > 0) await sleep(tokenDelayMs);
    }
    if (closed) {
      stats.cancelled++;
      return;
    }
    const ended = performance.now();
    await release();
    res.end(framing.end({ n: output.length, maxTokens, promptN: promptTokens.length, waitMs: started - received, promptMs: firstAt - started, predictedMs: ended - firstAt }));
    stats.completed++;
  } finally {
    await release();
  }
}

const server = createServer((req, res) => {
  const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
  if (path === '/stats') {
    json(req, res, 200, stats);
    return;
  }
  if (req.method === 'OPTIONS') {
    res.writeHead(cors ? 204 : 404, corsHeaders(req));
    res.end();
    return;
  }
  if (apiKey !== null && req.headers.authorization !== `Bearer ${apiKey}`) {
    stats.unauthorized++;
    json(req, res, 401, { error: { code: 401, message: 'Invalid API Key', type: 'authentication_error' } });
    return;
  }
  if (ollama && req.method === 'GET' && path === '/api/tags') {
    json(req, res, 200, { models: [{ name: servedName, model: servedName, modified_at: new Date(0).toISOString(), size: 0, digest: '', details: { format: 'gguf', family: 'wf-tiny' } }] });
    return;
  }
  if (ollama && req.method === 'POST' && path === '/api/chat') {
    stats.requests++;
    chat(req, res).catch((error: unknown) => {
      if (!res.headersSent) json(req, res, 500, { error: String(error) });
      else res.destroy();
    });
    return;
  }
  if (!ollama && req.method === 'GET' && path === '/v1/models') {
    json(req, res, 200, { object: 'list', data: [{ id: modelName, object: 'model', created: 0, owned_by: 'llamacpp' }] });
    return;
  }
  if (!ollama && req.method === 'POST' && path === '/v1/chat/completions') {
    stats.requests++;
    chat(req, res).catch((error: unknown) => {
      if (!res.headersSent) json(req, res, 500, { error: { code: 500, message: String(error), type: 'server_error' } });
      else res.destroy();
    });
    return;
  }
  if (ollama) {
    res.writeHead(404, { 'Content-Type': 'text/plain', ...corsHeaders(req) });
    res.end('404 page not found');
    return;
  }
  json(req, res, 404, { error: { code: 404, message: 'File Not Found', type: 'not_found_error' } });
});

server.listen(Number(values.port), '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  console.log(JSON.stringify({ listening: `http://127.0.0.1:${port}`, model: servedName, slots, api: ollama ? 'ollama' : 'openai' }));
});

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    server.close();
    void Promise.all(contexts.map((context) => context.dispose())).then(() => model.dispose()).then(() => llama.dispose()).finally(() => process.exit(0));
  });
}
