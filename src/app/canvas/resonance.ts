/**
 * Resonance and interference between council members answering the same turn: where two members put
 * the same text at the same place it resonates, where they differ it interferes.
 *
 * The page receives a member's tokens in frame batches (several pieces merged into one text), so token
 * boundaries are not known; the comparison is made on the text the tokens cover, at the same character
 * offset of each member's answer. For members with one tokenizer that is the same as comparing tokens
 * at the same position, and it never reads text a member has not produced yet.
 */

export type Agreement = 'resonance' | 'interference';

/**
 * Compares `text`, which starts at character `offset` of one answer, with another answer so far.
 * null: the other answer has not reached that offset yet (nothing to compare).
 */
export function compareSpan(text: string, offset: number, other: string): Agreement | null {
  const overlap = Math.min(text.length, other.length - offset);
  if (overlap <= 0) return null;
  for (let i = 0; i < overlap; i++) if (text.charCodeAt(i) !== other.charCodeAt(offset + i)) return 'interference';
  return 'resonance';
}

/** A council job's stream id is `<turn>:<member>`; a stream without a turn is a turn of its own. */
export function turnOf(streamId: string): string {
  const colon = streamId.indexOf(':');
  return colon < 0 ? streamId : streamId.slice(0, colon);
}

export interface AgreementResult {
  /** Lanes this text agrees with / differs from, at the same place. */
  resonant: string[];
  interfering: string[];
}

/** Characters kept per answer: enough for any pane, bounded for very long outputs. */
const MAX_TEXT = 1 << 16;

/** Keeps each lane's answer in the current turns and judges every new piece against the others. */
export class ResonanceTracker {
  private readonly turns = new Map<string, Map<string, string>>();

  constructor(private readonly turnsKept = 4) {}

  /** Records `text` as the continuation of `lane`'s answer in `streamId`'s turn and compares it. */
  add(lane: string, streamId: string, text: string): AgreementResult {
    const turn = this.turnFor(turnOf(streamId));
    const before = turn.get(lane) ?? '';
    const result: AgreementResult = { resonant: [], interfering: [] };
    for (const [other, answer] of turn) {
      if (other === lane) continue;
      const agreement = compareSpan(text, before.length, answer);
      if (agreement === 'resonance') result.resonant.push(other);
      else if (agreement === 'interference') result.interfering.push(other);
    }
    if (before.length < MAX_TEXT) turn.set(lane, before + text);
    return result;
  }

  private turnFor(turnId: string): Map<string, string> {
    let turn = this.turns.get(turnId);
    if (turn) return turn;
    turn = new Map();
    this.turns.set(turnId, turn);
    // Map iteration is insertion order: the first key is the oldest turn.
    while (this.turns.size > this.turnsKept) this.turns.delete(this.turns.keys().next().value!);
    return turn;
  }
}
