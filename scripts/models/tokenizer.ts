/**
 * A GPT-2-style byte-level BPE tokenizer whose ids are the byte values themselves (byte b is id b),
 * followed by `<|endoftext|>` (id 256) and, for vocabularies larger than 257, filler "words".
 *
 * There are no merges, so text always encodes to one token per UTF-8 byte: the tiny model's b → b+1
 * rule is then a rule on bytes. Fillers are never produced by encoding but exist so that every id a
 * randomly initialised model can pick decodes to readable text instead of failing.
 */

export const END_OF_TEXT = '<|endoftext|>';
export const END_OF_TEXT_ID = 256;
const BYTE_TOKENS = 256;

/** GPT-2's byte → printable character table, which the ByteLevel pre-tokenizer and decoder assume. */
export function bytesToUnicode(): string[] {
  const table: string[] = new Array(BYTE_TOKENS);
  let next = 0;
  for (let b = 0; b < BYTE_TOKENS; b++) {
    const printable = (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
    table[b] = String.fromCharCode(printable ? b : BYTE_TOKENS + next++);
  }
  return table;
}

const CONSONANTS = 'bdfghklmnprstvz';
const VOWELS = 'aeiou';

/**
 * The n-th filler: a leading space (Ġ) and a pseudo-word of two or more consonant-vowel syllables, so
 * random models print word salad rather than noise. Two syllables minimum keeps fillers distinct from
 * the single-character byte tokens.
 */
function fillerWord(n: number, byteChar: readonly string[]): string {
  const syllables = CONSONANTS.length * VOWELS.length;
  let word = '';
  let rest = n;
  let count = 0;
  do {
    const s = rest % syllables;
    word += CONSONANTS[Math.floor(s / VOWELS.length)]! + VOWELS[s % VOWELS.length]!;
    rest = Math.floor(rest / syllables);
    count++;
  } while (rest > 0 || count < 2);
  return byteChar[0x20] + word;
}

export function tokenizerJson(vocabSize: number): object {
  if (vocabSize <= END_OF_TEXT_ID) throw new Error(`vocab must hold 256 bytes and ${END_OF_TEXT}`);
  const byteChar = bytesToUnicode();
  const vocab: Record<string, number> = {};
  byteChar.forEach((c, b) => (vocab[c] = b));
  vocab[END_OF_TEXT] = END_OF_TEXT_ID;
  for (let id = END_OF_TEXT_ID + 1; id < vocabSize; id++) {
    vocab[fillerWord(id - END_OF_TEXT_ID - 1, byteChar)] = id;
  }
  if (Object.keys(vocab).length !== vocabSize) throw new Error('filler words collided');
  const byteLevel = { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true };
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [
      {
        id: END_OF_TEXT_ID,
        content: END_OF_TEXT,
        single_word: false,
        lstrip: false,
        rstrip: false,
        normalized: false,
        special: true,
      },
    ],
    normalizer: null,
    pre_tokenizer: byteLevel,
    post_processor: null,
    decoder: byteLevel,
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: false,
      vocab,
      merges: [],
    },
  };
}

/**
 * The chat template of every generated model (tokenizer_config.json's `chat_template`, the GGUF's
 * `tokenizer.chat_template`): the messages' contents, each message other than an answer on a new
 * line, no role markers and no generation prompt. The models are not chat-trained, so no format
 * means anything to them; this one keeps wf-tiny's rule checkable in a conversation (its answer
 * continues the last byte of the latest user message, and a one-turn chat is exactly the raw
 * prompt), and an answer follows its prompt with nothing between, so a conversation renders as
 * the very tokens the model read and wrote and the next turn reuses all of its KV cache. The
 * newline is a string expression, not template text, so that engines rendering with `trim_blocks`
 * keep it.
 */
export const GENERATED_CHAT_TEMPLATE =
  "{% for message in messages %}{% if message['role'] != 'assistant' and not loop.first %}{{ '\\n' }}{% endif %}{{ message['content'] }}{% endfor %}";

export function tokenizerConfigJson(modelMaxLength: number): object {
  return {
    tokenizer_class: 'GPT2Tokenizer',
    bos_token: END_OF_TEXT,
    eos_token: END_OF_TEXT,
    unk_token: END_OF_TEXT,
    pad_token: END_OF_TEXT,
    add_bos_token: false,
    add_prefix_space: false,
    // The default (true) rewrites " ." to "." on decode, which would break exact-output checks.
    clean_up_tokenization_spaces: false,
    model_max_length: modelMaxLength,
    chat_template: GENERATED_CHAT_TEMPLATE,
  };
}
