import { describe, expect, it } from 'vitest';
import { paymentMethodOf, publishPaymentCredited } from '../../src/shared/metric-events.js';
import { createMetrics, meterCalls, panelErrorCode } from '../../src/shared/metrics.js';

class RemnawaveApiError extends Error {
  constructor(readonly status: number) {
    super(`panel answered ${status}`);
  }
}
class RemnawaveTimeoutError extends Error {
  override name = 'RemnawaveTimeoutError';
}

describe('metrics', () => {
  it('times and counts a port’s async calls by name, errors by code, and leaves sync ones alone', async () => {
    const metrics = createMetrics({ processMetrics: false });
    try {
      let calls = 0;
      const panel = {
        prefix: 'rf',
        async createAccount(name: string) {
          calls += 1;
          return `${this.prefix}-${name}`;
        },
        async updateAccount(): Promise<void> {
          throw new RemnawaveApiError(500);
        },
        async countDevices(): Promise<number> {
          throw new RemnawaveTimeoutError('slow');
        },
        isOutcomeUnknown: (error: unknown) => error instanceof RemnawaveTimeoutError,
      };
      const metered = meterCalls(panel, metrics.panelCall);
      expect(await metered.createAccount('a')).toBe('rf-a');
      await expect(metered.updateAccount()).rejects.toThrow(RemnawaveApiError);
      await expect(metered.countDevices()).rejects.toThrow('slow');
      expect(metered.isOutcomeUnknown(new RemnawaveTimeoutError())).toBe(true);
      expect(calls).toBe(1);
      const { body } = await metrics.scrape();
      expect(body).toContain('remnafleet_panel_calls_total{operation="createAccount"} 1');
      expect(body).toContain('remnafleet_panel_errors_total{operation="updateAccount",code="500"} 1');
      expect(body).toContain('remnafleet_panel_errors_total{operation="countDevices",code="timeout"} 1');
      expect(body).toContain('remnafleet_panel_call_duration_seconds_count{operation="createAccount"} 1');
      expect(body).not.toContain('isOutcomeUnknown');
    } finally {
      metrics.close();
    }
  });

  it('names an error code from a status, a timeout or the network', () => {
    expect(panelErrorCode(new RemnawaveApiError(404))).toBe('404');
    expect(panelErrorCode(new RemnawaveTimeoutError())).toBe('timeout');
    expect(panelErrorCode(Object.assign(new Error('x'), { name: 'RemnawaveNetworkError' }))).toBe('network');
    expect(panelErrorCode('boom')).toBe('error');
  });

  it('counts credited payments by the method of their reference, never an id', async () => {
    expect(paymentMethodOf('c2c:12')).toBe('c2c');
    expect(paymentMethodOf('zarinpal:A0000')).toBe('zarinpal');
    expect(paymentMethodOf('Weird Ref')).toBe('other');
    const metrics = createMetrics({ processMetrics: false });
    try {
      publishPaymentCredited('stars:charge-1', 'topup');
      publishPaymentCredited('stars:charge-2', 'topup');
      publishPaymentCredited('promo:7', 'promo');
      const { body } = await metrics.scrape();
      expect(body).toContain('remnafleet_payments_credited_total{method="stars",kind="topup"} 2');
      expect(body).toContain('remnafleet_payments_credited_total{method="promo",kind="promo"} 1');
    } finally {
      metrics.close();
    }
    // closed: no longer listening
    publishPaymentCredited('stars:charge-3', 'topup');
  });

  it('reads bots, jobs and the pool at scrape time; a failing jobs read is reported, not thrown', async () => {
    const metrics = createMetrics({ processMetrics: false });
    try {
      let fail = false;
      metrics.setSources({
        bots: () => [
          { state: 'running', health: 'healthy' },
          { state: 'running', health: 'healthy' },
          { state: 'unauthorized', health: 'unauthorized' },
        ],
        jobs: async () => {
          if (fail) throw new Error('database down');
          return [
            { name: 'provision-order', status: 'queued', count: 3, oldestAgeSeconds: 42 },
            { name: 'provision-order', status: 'failed', count: 1, oldestAgeSeconds: null },
          ];
        },
        pool: () => ({ total: 4, idle: 1, waiting: 2, max: 10 }),
      });
      let { body } = await metrics.scrape();
      expect(body).toContain('remnafleet_bots{state="running",health="healthy"} 2');
      expect(body).toContain('remnafleet_bots{state="unauthorized",health="unauthorized"} 1');
      expect(body).toContain('remnafleet_jobs{name="provision-order",status="queued"} 3');
      expect(body).toContain('remnafleet_jobs{name="provision-order",status="failed"} 1');
      expect(body).toContain('remnafleet_jobs_oldest_age_seconds{name="provision-order",status="queued"} 42');
      expect(body).not.toContain(
        'remnafleet_jobs_oldest_age_seconds{name="provision-order",status="failed"}',
      );
      expect(body).toContain('remnafleet_db_pool_connections{state="in_use"} 3');
      expect(body).toContain('remnafleet_db_pool_connections{state="waiting"} 2');
      expect(body).toContain('remnafleet_metrics_source_up{source="jobs"} 1');
      fail = true;
      await new Promise((resolve) => setImmediate(resolve));
      ({ body } = await metrics.scrape());
      expect(body).toContain('remnafleet_metrics_source_up{source="jobs"} 0');
      expect(body).not.toContain('remnafleet_jobs{');
    } finally {
      metrics.close();
    }
  });
});
