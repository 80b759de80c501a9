export interface Clock {
  /** Current time as ISO 8601 with milliseconds, the format every stored timestamp uses. */
  now(): string;
}

export const systemClock: Clock = { now: () => new Date().toISOString() };
