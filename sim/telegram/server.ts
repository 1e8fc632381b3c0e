// HTTP front: `{apiRoot}/bot{token}/{method}` and `{apiRoot}/file/bot{token}/{file_path}`.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { ApiError } from './api-error.js';
import { parseBody, readBody } from './body-parser.js';
import type { Dispatcher, DispatchResponse } from './dispatcher.js';
import { decodeJsonFields } from './params.js';
import type { World } from './state.js';
import { telegramJson } from './util.js';

const API_PATH = /^\/bot([^/]+)\/([^/]+)\/?$/;
const FILE_PATH = /^\/file\/bot([^/]+)\/(.+)$/;

export function createSimServer(world: World, dispatcher: Dispatcher): Server {
  const server = createServer((req, res) => {
    handle(world, dispatcher, req, res).catch((error: unknown) => {
      console.error('telegram sim: request failed:', error);
      if (!res.headersSent)
        sendJson(res, 500, { ok: false, error_code: 500, description: 'Internal Server Error' });
      else res.destroy();
    });
  });
  // Long polls may legitimately stay open for a long time.
  server.requestTimeout = 0;
  server.keepAliveTimeout = 60_000;
  return server;
}

async function handle(
  world: World,
  dispatcher: Dispatcher,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const rawUrl = req.url ?? '/';
  const queryStart = rawUrl.indexOf('?');
  const path = queryStart < 0 ? rawUrl : rawUrl.slice(0, queryStart);

  const file = FILE_PATH.exec(path);
  if (file) {
    req.resume();
    serveFile(world, decodeURIComponent(file[1]!), decodeURIComponent(file[2]!), res);
    return;
  }
  const api = API_PATH.exec(path);
  if (!api) {
    req.resume();
    sendJson(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
    return;
  }

  let parsed: ReturnType<typeof parseBody>;
  try {
    parsed = parseBody(req.headers['content-type'], await readBody(req));
  } catch (error) {
    if (error instanceof ApiError) {
      sendJson(res, error.code, error.toBody());
      return;
    }
    // The client gave up mid-upload; nobody is left to answer.
    if (req.destroyed || res.destroyed) return;
    throw error;
  }
  const params = queryStart < 0 ? {} : Object.fromEntries(new URLSearchParams(rawUrl.slice(queryStart + 1)));
  Object.assign(params, parsed.params);
  decodeJsonFields(params);

  const gone = clientGone(req, res);
  const response = await dispatcher.dispatch({
    token: decodeURIComponent(api[1]!),
    method: api[2]!,
    params,
    uploads: parsed.uploads,
    get signal() {
      return gone.signal;
    },
    source: 'http',
  });
  if (res.destroyed) return;
  writeResponse(req, res, response);
}

/**
 * Aborts when the client hangs up (e.g. grammY's bot.stop() aborting its long poll), releasing the
 * waiting request. Created on first use: only long polls and delayed faults need it, and an
 * AbortController per request is a measurable cost at a thousand requests per second.
 */
function clientGone(req: IncomingMessage, res: ServerResponse): { readonly signal: AbortSignal } {
  let controller: AbortController | undefined;
  return {
    get signal() {
      if (!controller) {
        const created = new AbortController();
        controller = created;
        if (res.destroyed || req.socket.destroyed) created.abort();
        else {
          res.once('close', () => {
            if (!res.writableFinished) created.abort();
          });
        }
      }
      return controller.signal;
    },
  };
}

function writeResponse(req: IncomingMessage, res: ServerResponse, response: DispatchResponse): void {
  if (response.kind === 'drop') {
    req.socket.destroy();
    return;
  }
  if (response.kind === 'raw') {
    res.writeHead(response.status, { 'content-type': response.contentType });
    res.end(response.body);
    return;
  }
  sendJson(res, response.status, response.body);
}

function serveFile(world: World, token: string, filePath: string, res: ServerResponse): void {
  if (!world.botByToken(token)) {
    sendJson(res, 401, { ok: false, error_code: 401, description: 'Unauthorized' });
    return;
  }
  const content = world.files.contentByPath(filePath);
  if (!content) {
    sendJson(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
    return;
  }
  res.writeHead(200, {
    'content-type': content.mimeType ?? 'application/octet-stream',
    'content-length': content.bytes.length,
  });
  res.end(content.bytes);
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const json = telegramJson(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) });
  res.end(json);
}
