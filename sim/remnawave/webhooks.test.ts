import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type RemnawaveSim, startRemnawaveSim } from './index.js';

const DAY = 86_400_000;
const SECRET = 'sim0webhook0secret0aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';

interface Received {
  body: string;
  headers: IncomingHttpHeaders;
  at: number;
}

/** A receiver like ours: records every request and answers what `answer` says (200 by default). */
async function startReceiver() {
  const received: Received[] = [];
  let answer: (request: Received, index: number) => number | Promise<number> = () => 200;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request = { body: Buffer.concat(chunks).toString('utf8'), headers: req.headers, at: Date.now() };
      received.push(request);
      void Promise.resolve(answer(request, received.length - 1)).then((status) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end('{}');
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/panel/webhook`,
    received,
    events: () => received.map((r) => (JSON.parse(r.body) as { event: string }).event),
    answerWith(next: typeof answer) {
      answer = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

type Receiver = Awaited<ReturnType<typeof startReceiver>>;

let sim: RemnawaveSim;
let receiver: Receiver;

async function api(method: string, path: string, body?: unknown) {
  const res = await fetch(`${sim.baseUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${sim.apiToken}`,
      'x-forwarded-for': '127.0.0.1',
      'x-forwarded-proto': 'https',
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return {
    status: res.status,
    json: text ? (JSON.parse(text) as { response: Record<string, unknown> }) : null,
  };
}

const future = (days = 30) => new Date(sim.now().getTime() + days * DAY).toISOString();

beforeEach(async () => {
  receiver = await startReceiver();
  sim = await startRemnawaveSim({
    expireSweepMs: 0,
    limitSweepMs: 0,
    bandwidthThresholds: [50, 80],
    webhook: { url: receiver.url, secret: SECRET, retryDelayMs: 20 },
  });
});

afterEach(async () => {
  await sim.close();
  await receiver.close();
});

describe('remnawave sim: webhooks', () => {
  it('signs each delivery: HMAC-SHA256 of the exact body, and the body timestamp in a header', async () => {
    const created = await api('POST', '/api/users', { username: 'hook_1', expireAt: future() });
    expect(created.status).toBe(201);
    await sim.webhooksIdle();
    const [request] = receiver.received;
    expect(request).toBeDefined();
    const expected = createHmac('sha256', SECRET).update(request!.body).digest('hex');
    expect(request!.headers['x-remnawave-signature']).toBe(expected);
    expect(request!.headers['content-type']).toBe('application/json');
    expect(request!.headers['user-agent']).toBe('Remnawave');
    const body = JSON.parse(request!.body) as Record<string, unknown>;
    expect(body).toMatchObject({ scope: 'user', event: 'user.created' });
    expect(request!.headers['x-remnawave-timestamp']).toBe(body.timestamp);
    expect(new Date(String(body.timestamp)).toISOString()).toBe(body.timestamp);
    // the user as the API returns it, big counters as strings (superjson), proxy secrets included
    expect(body.data).toMatchObject({
      id: created.json?.response.id,
      username: 'hook_1',
      status: 'ACTIVE',
      trafficLimitBytes: '0',
      userTraffic: { usedTrafficBytes: '0' },
      vlessUuid: expect.any(String),
    });
    expect(sim.webhookDeliveries()[0]).toMatchObject({
      event: 'user.created',
      delivered: true,
      settled: true,
    });
  });

  it('sends an event for every change the panel makes', async () => {
    const user = sim.createUser({ username: 'hook_2', expireAt: future(1), trafficLimitBytes: 1000 });
    await api('PATCH', '/api/users', { id: user.id, description: 'edited' });
    await api('POST', `/api/users/${user.id}/actions/disable`);
    await api('POST', `/api/users/${user.id}/actions/enable`);
    await api('POST', `/api/users/${user.id}/actions/revoke`, {});
    sim.setUsage(user.id, 600);
    sim.setUsage(user.id, 900);
    await api('POST', `/api/users/${user.id}/actions/reset-traffic`);
    sim.addDevice(user.id, 'hw-1', { platform: 'android' });
    await api('POST', '/api/hwid/devices', { userId: user.id, hwid: 'hw-2' });
    await api('POST', '/api/hwid/devices/delete', { userId: user.id, hwid: 'hw-1' });
    await api('POST', '/api/hwid/devices/delete-all', { userId: user.id });
    sim.remindExpiration(user.id, 24);
    sim.setUsage(user.id, 1000);
    sim.runSweeps();
    sim.advanceTime(2 * DAY);
    sim.runSweeps();
    await api('DELETE', `/api/users/${user.id}`);
    await sim.webhooksIdle();

    expect(sim.webhookDeliveries().map((d) => d.event)).toEqual([
      'user.created',
      'user.modified',
      'user.disabled',
      'user.enabled',
      'user.revoked',
      'user.first_connected',
      'user.bandwidth_usage_threshold_reached',
      'user.bandwidth_usage_threshold_reached',
      'user.traffic_reset',
      'user_hwid_devices.added',
      'user_hwid_devices.added',
      'user_hwid_devices.deleted',
      'user_hwid_devices.deleted',
      'user.expiration',
      'user.bandwidth_usage_threshold_reached',
      'user.limited',
      'user.expired',
      'user.deleted',
    ]);
    expect(new Set(receiver.events())).toEqual(new Set(sim.webhookDeliveries().map((d) => d.event)));
    const bodies = sim
      .webhookDeliveries()
      .map((d) => JSON.parse(d.body) as { data: Record<string, unknown> });
    // a revoke carries the new link; a device event the user and the device; a reminder its hours
    expect(bodies[4]?.data.shortUuid).not.toBe(user.shortUuid);
    expect(bodies[9]).toMatchObject({
      scope: 'user_hwid_devices',
      data: { user: { username: 'hook_2' }, hwidUserDevice: { hwid: 'hw-1', platform: 'android' } },
    });
    expect(bodies[13]).toMatchObject({ event: 'user.expiration', meta: { expiration: -24 } });
    // thresholds: 50 % then 80 %, once each per quota; a reset arms them again
    expect(bodies[6]?.data.lastTriggeredThreshold).toBe(50);
    expect(bodies[7]?.data.lastTriggeredThreshold).toBe(80);
    expect(bodies[14]?.data.lastTriggeredThreshold).toBe(80);
    expect(bodies[17]).toMatchObject({ event: 'user.deleted', data: { username: 'hook_2' } });
  });

  it('retries a delivery answered with an error up to 3 times, the delay apart', async () => {
    receiver.answerWith((_request, index) => (index < 2 ? 500 : 200));
    sim.createUser({ username: 'hook_3', expireAt: future() });
    await sim.webhooksIdle();
    const [delivery] = sim.webhookDeliveries();
    expect(delivery?.attempts.map((a) => a.status)).toEqual([500, 500, 200]);
    expect(delivery).toMatchObject({ delivered: true, settled: true });
    // the same bytes and signature every time
    expect(new Set(receiver.received.map((r) => r.body)).size).toBe(1);
    expect(new Set(receiver.received.map((r) => r.headers['x-remnawave-signature'])).size).toBe(1);
    const gaps = receiver.received.slice(1).map((r, i) => r.at - receiver.received[i]!.at);
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(15);
  });

  it('gives up after the first attempt and 3 retries, whatever the failure', async () => {
    receiver.answerWith(() => 503);
    sim.createUser({ username: 'hook_4', expireAt: future() });
    await sim.webhooksIdle();
    expect(sim.webhookDeliveries()[0]).toMatchObject({ delivered: false, settled: true });
    expect(sim.webhookDeliveries()[0]?.attempts).toHaveLength(4);

    // nothing listening: connection refused, retried the same way
    const gone = `${receiver.url.replace(/:\d+\//, ':1/')}`;
    sim.setWebhook({ url: gone, secret: SECRET, retryDelayMs: 10 });
    sim.createUser({ username: 'hook_5', expireAt: future() });
    await sim.webhooksIdle();
    const refused = sim.webhookDeliveries()[1];
    expect(refused?.attempts).toHaveLength(4);
    expect(refused?.attempts.every((a) => a.status === null && a.error !== null)).toBe(true);
  });

  it('sends concurrently: a slow answer does not hold the next event back', async () => {
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    receiver.answerWith(async (request) => {
      if ((JSON.parse(request.body) as { event: string }).event === 'user.created') await held;
      return 200;
    });
    const user = sim.createUser({ username: 'hook_6', expireAt: future() });
    await api('POST', `/api/users/${user.id}/actions/disable`);
    // the second event arrives while the first is still unanswered
    const deadline = Date.now() + 2000;
    while (receiver.received.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(receiver.events()).toEqual(['user.created', 'user.disabled']);
    expect(sim.webhookDeliveries()[0]?.settled).toBe(false);
    release();
    await sim.webhooksIdle();
    expect(sim.webhookDeliveries().every((d) => d.delivered)).toBe(true);
  });

  it('sends nothing once turned off, and stops retrying when closed', async () => {
    sim.setWebhook(null);
    sim.createUser({ username: 'hook_7', expireAt: future() });
    await sim.webhooksIdle();
    expect(sim.webhookDeliveries()).toEqual([]);

    receiver.answerWith(() => 500);
    sim.setWebhook({ url: receiver.url, secret: SECRET, retryDelayMs: 60_000 });
    sim.createUser({ username: 'hook_8', expireAt: future() });
    const deadline = Date.now() + 2000;
    while (receiver.received.length < 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    await sim.close();
    await sim.webhooksIdle();
    expect(sim.webhookDeliveries()[0]).toMatchObject({ delivered: false, settled: true });
    expect(sim.webhookDeliveries()[0]?.attempts).toHaveLength(1);
  });
});
