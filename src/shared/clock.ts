/** Time is a dependency so that expiry arithmetic and rotation intervals can be tested. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
