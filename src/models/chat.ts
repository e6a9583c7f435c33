/**
 * A conversation as the engines receive it: plain messages, in order. How they become the model's
 * input (its chat template, or the documented plain format for a model without one) is each
 * engine's job; the page never formats a prompt for a chat.
 */
export type ChatRole = 'system' | 'user' | 'assistant';

export interface ChatMessage {
  role: ChatRole;
  content: string;
}
