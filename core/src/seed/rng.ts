/**
 * A tiny seeded PRNG for the hot loops. Faker is seeded too, but calling it per row costs
 * microseconds each; at millions of rows we only use it to fill pools (see pools.ts) and pick
 * from them with this generator.
 */

/** sfc32 (Small Fast Counting): 128-bit state, passes PractRand, a few ns per number. */
export class Rng {
  #a: number;
  #b: number;
  #c: number;
  #d: number;

  constructor(seed: number) {
    // splitmix32 spreads a small integer seed over the whole state.
    let s = seed >>> 0;
    const next = () => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.#a = next();
    this.#b = next();
    this.#c = next();
    this.#d = next();
    for (let i = 0; i < 12; i++) this.uint32();
  }

  uint32(): number {
    const t = (((this.#a + this.#b) >>> 0) + this.#d) >>> 0;
    this.#d = (this.#d + 1) >>> 0;
    this.#a = this.#b ^ (this.#b >>> 9);
    this.#b = (this.#c + (this.#c << 3)) >>> 0;
    this.#c = ((this.#c << 21) | (this.#c >>> 11)) >>> 0;
    this.#c = (this.#c + t) >>> 0;
    return t;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.uint32() / 4294967296;
  }

  /** Uniform integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** A new generator whose stream does not overlap this one's in practice. */
  fork(): Rng {
    return new Rng(this.uint32());
  }
}

/** Weighted choice with a precomputed cumulative table, so each draw is a short scan. */
export class Weighted<T> {
  readonly #values: T[];
  readonly #cumulative: number[];

  constructor(entries: readonly (readonly [T, number])[]) {
    const total = entries.reduce((sum, [, w]) => sum + w, 0);
    let running = 0;
    this.#values = entries.map(([v]) => v);
    this.#cumulative = entries.map(([, w]) => (running += w) / total);
  }

  draw(rng: Rng): T {
    const u = rng.next();
    const c = this.#cumulative;
    for (let i = 0; i < c.length - 1; i++) if (u < c[i]!) return this.#values[i]!;
    return this.#values[c.length - 1]!;
  }
}

/** Mixes two integers into a 32-bit seed (so a re-seed of the same tenant gets fresh data). */
export function mixSeed(a: number, b: number): number {
  let h = Math.imul((a >>> 0) ^ 0x5bd1e995, 0x27d4eb2d) ^ Math.imul(b >>> 0, 0x165667b1);
  h ^= h >>> 15;
  h = Math.imul(h, 0x85ebca77);
  return (h ^ (h >>> 13)) >>> 0;
}
