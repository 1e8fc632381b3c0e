// Decodes a Bot API request body: JSON, urlencoded or multipart/form-data (file uploads).
import type { IncomingMessage } from 'node:http';
import { ApiError, badRequest } from './api-error.js';
import type { Params, Upload } from './params.js';

/** Telegram accepts uploads up to 50 MB; a little headroom for the other fields. */
export const MAX_BODY_BYTES = 52 * 1024 * 1024;

export interface ParsedBody {
  params: Params;
  uploads: Map<string, Upload>;
}

export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new ApiError(413, 'Request Entity Too Large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export function parseBody(contentType: string | undefined, body: Buffer): ParsedBody {
  const uploads = new Map<string, Upload>();
  if (body.length === 0) return { params: {}, uploads };
  const type = (contentType ?? '').toLowerCase();
  if (type.startsWith('multipart/form-data')) return parseMultipart(contentType ?? '', body);
  if (type.startsWith('application/x-www-form-urlencoded')) {
    return { params: Object.fromEntries(new URLSearchParams(body.toString('utf8'))), uploads };
  }
  // Telegram treats an untyped body as JSON too.
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    throw badRequest("can't parse JSON object");
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw badRequest('JSON object expected');
  }
  return { params: parsed as Params, uploads };
}

function parseMultipart(contentType: string, body: Buffer): ParsedBody {
  const boundaryMatch = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  const boundary = boundaryMatch?.[1] ?? boundaryMatch?.[2];
  if (!boundary) throw badRequest('multipart boundary is missing');
  const delimiter = Buffer.from(`--${boundary}`);
  const params: Params = {};
  const uploads = new Map<string, Upload>();

  let pos = body.indexOf(delimiter);
  if (pos < 0) throw badRequest("can't parse multipart/form-data body");
  pos += delimiter.length;
  for (;;) {
    // After a delimiter comes either "--" (end of body) or CRLF and the next part's headers.
    if (body[pos] === 0x2d && body[pos + 1] === 0x2d) break;
    if (body[pos] === 0x0d && body[pos + 1] === 0x0a) pos += 2;
    const headerEnd = body.indexOf('\r\n\r\n', pos);
    if (headerEnd < 0) break;
    const headers = parsePartHeaders(body.subarray(pos, headerEnd).toString('utf8'));
    const contentStart = headerEnd + 4;
    const next = body.indexOf(Buffer.concat([Buffer.from('\r\n'), delimiter]), contentStart);
    if (next < 0) throw badRequest("can't parse multipart/form-data body");
    const content = body.subarray(contentStart, next);
    pos = next + 2 + delimiter.length;

    const disposition = headers.get('content-disposition') ?? '';
    const name = dispositionParam(disposition, 'name');
    if (name === undefined) continue;
    const fileName = dispositionParam(disposition, 'filename');
    if (fileName === undefined) {
      params[name] = content.toString('utf8');
    } else {
      // Copy: the part must outlive the request buffer it was sliced from.
      uploads.set(name, {
        field: name,
        fileName,
        contentType: headers.get('content-type'),
        bytes: Buffer.from(content),
      });
    }
  }
  return { params, uploads };
}

function parsePartHeaders(block: string): Map<string, string> {
  const headers = new Map<string, string>();
  for (const line of block.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return headers;
}

/** grammY writes `filename=foo.txt` unquoted, browsers and curl quote it; accept both. */
function dispositionParam(disposition: string, key: string): string | undefined {
  const re = new RegExp(`(?:^|;)\\s*${key}=(?:"((?:[^"\\\\]|\\\\.)*)"|([^;]*))`, 'i');
  const match = re.exec(disposition);
  if (!match) return undefined;
  return match[1] !== undefined ? match[1].replace(/\\(.)/g, '$1') : (match[2] ?? '').trim();
}
