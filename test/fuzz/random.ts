/**
 * A small seeded PRNG for the fuzzers. Every generated request is derived from (seed, phase,
 * index) alone, so one request of a run can be generated again without replaying the run, and
 * a run's requests do not depend on the order concurrent workers finish in.
 *
 * The generator is a 32-bit Weyl sequence passed through a multiply–xorshift finaliser: fast,
 * stateless to fork, and plenty for choosing inputs (nothing here needs cryptographic quality).
 */

/** FNV-1a over the UTF-16 code units of `text`: a label or seed string as a 32-bit number. */
function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export class Random {
  private state: number;

  constructor(seed: string | number) {
    this.state = typeof seed === 'number' ? seed >>> 0 : hash32(seed);
  }

  /** An independent stream for `label` (a phase, a request index), derived from this seed. */
  static for(seed: string, ...labels: readonly (string | number)[]): Random {
    return new Random(hash32(`${seed}\u0001${labels.join('\u0001')}`));
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x9e3779b9) | 0;
    let z = this.state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    z ^= z >>> 16;
    return (z >>> 0) / 4_294_967_296;
  }

  /** Integer in [min, max], both included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[Math.floor(this.next() * items.length)] as T;
  }

  /** One of `choices`, each as likely as its weight. */
  weighted<T>(choices: readonly (readonly [number, T])[]): T {
    const total = choices.reduce((sum, [weight]) => sum + weight, 0);
    let roll = this.next() * total;
    for (const [weight, value] of choices) {
      roll -= weight;
      if (roll < 0) return value;
    }
    return (choices[choices.length - 1] as readonly [number, T])[1];
  }

  /** Mostly small numbers, occasionally large ones: `min + floor(-ln(u) * mean)`, capped. */
  geometric(mean: number, max: number, min = 0): number {
    return Math.min(max, min + Math.floor(-Math.log(1 - this.next()) * mean));
  }

  /** `count` distinct items (or all of them), in random order. */
  sample<T>(items: readonly T[], count: number): T[] {
    const copy = [...items];
    const n = Math.min(count, copy.length);
    for (let i = 0; i < n; i++) {
      const j = i + Math.floor(this.next() * (copy.length - i));
      [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
    }
    return copy.slice(0, n);
  }

  /** `text` with each letter's case flipped with probability `rate`. */
  recase(text: string, rate = 0.5): string {
    let out = '';
    for (const ch of text) {
      if (this.chance(rate)) {
        const upper = ch.toUpperCase();
        out += upper === ch ? ch.toLowerCase() : upper;
      } else {
        out += ch;
      }
    }
    return out;
  }
}
