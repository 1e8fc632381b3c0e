import { describe, expect, it } from 'vitest';
import { type DecisionInput, decideNotice } from '../../../src/modules/lifecycle/notice-decision.js';
import {
  AUTOPAY_SHORT_KIND,
  COME_BACK_KIND,
  EXPIRED_KIND,
  expiryPeriodKey,
  expiryWarningKind,
  trafficKind,
  trafficPeriodKey,
} from '../../../src/modules/lifecycle/subscription-notices.js';
import type { Subscription } from '../../../src/modules/subscriptions/subscriptions-service.js';
import { DAY, GB, HOUR } from './lifecycle-fixtures.js';

const now = new Date('2031-03-10T08:10:00Z');
const expiresAt = new Date(now.getTime() + 20 * HOUR);
const periodStart = new Date(now.getTime() - 10 * DAY);

const subscription = (patch: Partial<Subscription> = {}): Subscription =>
  ({
    id: 7,
    status: 'active',
    expiresAt,
    createdAt: new Date(now.getTime() - 30 * DAY),
    trafficLimitBytes: 50 * GB,
    usedTrafficBytes: 45 * GB,
    trafficPeriodStartedAt: periodStart,
    isTrial: false,
    ...patch,
  }) as Subscription;

const decide = (kind: string, patch: Partial<DecisionInput> = {}) =>
  decideNotice({
    notice: {
      id: 1,
      kind,
      periodKey: kind.startsWith('traffic') ? trafficPeriodKey(subscription()) : expiryPeriodKey(expiresAt),
    },
    subscription: subscription(),
    customerBanned: false,
    otherRunning: false,
    rules: { warningDays: [3, 1], comebackDays: 3 },
    now,
    ...patch,
  });

describe('the send-time check of a claimed notice', () => {
  it('sends a warning that is still true', () => {
    expect(decide(expiryWarningKind(1))).toEqual({
      action: 'send',
      kind: { type: 'expiry-warning', days: 1 },
    });
    expect(decide(trafficKind(80))).toEqual({ action: 'send', kind: { type: 'traffic', percent: 80 } });
  });

  it('drops a warning about an expiry a renewal moved, or a traffic period a reset ended', () => {
    const renewed = subscription({ expiresAt: new Date(expiresAt.getTime() + 30 * DAY) });
    expect(decide(expiryWarningKind(1), { subscription: renewed })).toEqual({
      action: 'drop',
      reason: 'new-period',
    });
    expect(decide(EXPIRED_KIND, { subscription: renewed })).toEqual({ action: 'drop', reason: 'new-period' });
    const reset = subscription({ trafficPeriodStartedAt: now, usedTrafficBytes: 0 });
    expect(decide(trafficKind(80), { subscription: reset })).toEqual({
      action: 'drop',
      reason: 'new-period',
    });
  });

  it('tells a customer autopay was short only while a top-up can still keep the subscription running', () => {
    expect(decide(AUTOPAY_SHORT_KIND)).toEqual({ action: 'send', kind: { type: 'autopay-short' } });
    const renewed = subscription({ expiresAt: new Date(expiresAt.getTime() + 30 * DAY) });
    expect(decide(AUTOPAY_SHORT_KIND, { subscription: renewed })).toEqual({
      action: 'drop',
      reason: 'new-period',
    });
    expect(decide(AUTOPAY_SHORT_KIND, { now: new Date(expiresAt.getTime() + 1) })).toEqual({
      action: 'drop',
      reason: 'expired-meanwhile',
    });
  });

  it('never sends a warning after the expiry, nor a farther one when a nearer is due', () => {
    const late = new Date(expiresAt.getTime() + 1);
    expect(decide(expiryWarningKind(1), { now: late })).toEqual({
      action: 'drop',
      reason: 'expired-meanwhile',
    });
    expect(decide(trafficKind(80), { now: late })).toEqual({ action: 'drop', reason: 'expired-meanwhile' });
    expect(decide(expiryWarningKind(3))).toEqual({ action: 'drop', reason: 'superseded' });
  });

  it('waits for an expiry or a come-back moment not reached yet', () => {
    expect(decide(EXPIRED_KIND)).toEqual({ action: 'wait', delayMs: 20 * HOUR });
    const after = new Date(expiresAt.getTime() + 5 * 60_000);
    expect(decide(EXPIRED_KIND, { now: after })).toMatchObject({ action: 'send' });
    expect(decide(COME_BACK_KIND, { now: after })).toEqual({ action: 'wait', delayMs: 3 * DAY - 5 * 60_000 });
    expect(decide(COME_BACK_KIND, { now: new Date(expiresAt.getTime() + 3 * DAY) })).toMatchObject({
      action: 'send',
    });
  });

  it('drops a come-back once the customer returned or the shop switched it off, and stale ones', () => {
    const due = new Date(expiresAt.getTime() + 3 * DAY);
    expect(decide(COME_BACK_KIND, { now: due, otherRunning: true })).toEqual({
      action: 'drop',
      reason: 'customer-returned',
    });
    expect(decide(COME_BACK_KIND, { now: due, rules: { warningDays: [], comebackDays: 0 } })).toEqual({
      action: 'drop',
      reason: 'switched-off',
    });
    expect(decide(EXPIRED_KIND, { now: new Date(expiresAt.getTime() + 3 * DAY) })).toEqual({
      action: 'drop',
      reason: 'stale',
    });
  });

  it('sends nothing about a subscription gone, waiting, disabled, or to a banned customer', () => {
    expect(decide(EXPIRED_KIND, { subscription: undefined })).toEqual({
      action: 'drop',
      reason: 'subscription-gone',
    });
    expect(decide(trafficKind(80), { subscription: subscription({ status: 'disabled' }) })).toEqual({
      action: 'drop',
      reason: 'not-running',
    });
    expect(decide(trafficKind(80), { subscription: subscription({ status: 'pending' }) })).toMatchObject({
      action: 'drop',
    });
    expect(decide(trafficKind(80), { customerBanned: true })).toEqual({
      action: 'drop',
      reason: 'customer-banned',
    });
    expect(decide('greeting')).toEqual({ action: 'drop', reason: 'unknown-kind' });
  });
});
