/**
 * The values of a record store (store.ts) kept as text: a value whose text is
 * not the canonical form of its number, and values that are text only (they
 * did not parse as their type). Only a store made from text (a golden file)
 * has any; generation never makes one, so every question is one size check.
 */
export class RawTexts {
  /** by `node * 4 + type` */
  private readonly texts = new Map<number, string>();
  private readonly textOnly = new Set<number>();
  private readonly seen = [false, false, false];

  /** The text node `node` of `type` was stored with, if any. */
  get(type: number, node: number): string | undefined {
    return this.texts.size === 0 ? undefined : this.texts.get(node * 4 + type);
  }

  has(type: number, node: number): boolean {
    return this.seen[type]! && this.texts.has(node * 4 + type);
  }

  set(type: number, node: number, text: string): void {
    this.texts.set(node * 4 + type, text);
    this.seen[type] = true;
  }

  /** Some value of `type` kept its text. */
  any(type: number): boolean {
    return this.seen[type]!;
  }

  markTextOnly(type: number, node: number): void {
    this.textOnly.add(node * 4 + type);
  }

  isTextOnly(type: number, node: number): boolean {
    return this.textOnly.size > 0 && this.textOnly.has(node * 4 + type);
  }
}
