/** Remembers, per policy object, the last spec that passed validation, so a bad edit leaves the previous one in force. */

export interface Accepted<T> {
  generation?: number;
  value: T;
}

export class LastAccepted<T> {
  private readonly byKey = new Map<string, Accepted<T>>();

  /** Record a valid spec and return it. */
  accept(key: string, generation: number | undefined, value: T): Accepted<T> {
    const a = { generation, value };
    this.byKey.set(key, a);
    return a;
  }

  get(key: string): Accepted<T> | undefined {
    return this.byKey.get(key);
  }

  /** Forget objects that no longer exist. */
  retain(keys: ReadonlySet<string>): void {
    for (const k of this.byKey.keys()) if (!keys.has(k)) this.byKey.delete(k);
  }
}
