// File storage. As in Telegram, a file_id belongs to one bot while file_unique_id identifies the file
// itself, so the same receipt forwarded to two bots keeps its file_unique_id.
import type { Document, PhotoSize } from 'grammy/types';
import { randomToken } from './util.js';

export type FileKind = 'photo' | 'document';

export interface FileContent {
  readonly uniqueId: string;
  readonly kind: FileKind;
  readonly bytes: Buffer;
  readonly filePath: string;
  readonly fileName: string | undefined;
  readonly mimeType: string | undefined;
  readonly width: number | undefined;
  readonly height: number | undefined;
  /** For photos: every size of the same picture, smallest first; shared by all of them. */
  photoSet: FileContent[] | undefined;
}

export interface FileRef {
  readonly fileId: string;
  readonly botId: number;
  readonly content: FileContent;
}

const MIME_TYPES: Record<string, string> = {
  pdf: 'application/pdf',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  txt: 'text/plain',
  csv: 'text/csv',
  json: 'application/json',
  html: 'text/html',
  xml: 'application/xml',
  zip: 'application/zip',
  mp4: 'video/mp4',
  mp3: 'audio/mpeg',
  ogg: 'audio/ogg',
  conf: 'application/octet-stream',
};

const PHOTO_SIDES = [90, 320, 800, 1280];
const DEFAULT_PHOTO = { width: 1280, height: 960 };

export function mimeTypeFor(fileName: string | undefined): string | undefined {
  const ext = fileName?.split('.').pop()?.toLowerCase();
  return ext ? MIME_TYPES[ext] : undefined;
}

export class FileStore {
  private readonly refs = new Map<string, FileRef>();
  private readonly byUnique = new Map<string, FileContent>();
  private readonly byPath = new Map<string, FileContent>();
  /** `${botId}:${uniqueId}` → file_id, so a bot sees one stable file_id per file. */
  private readonly refIndex = new Map<string, string>();
  private nextPath = 1;

  ref(fileId: string): FileRef | undefined {
    return this.refs.get(fileId);
  }

  content(uniqueId: string): FileContent | undefined {
    return this.byUnique.get(uniqueId);
  }

  contentByPath(filePath: string): FileContent | undefined {
    return this.byPath.get(filePath);
  }

  createDocument(bytes: Buffer, fileName: string | undefined, mimeType: string | undefined): FileContent {
    const name = fileName ?? `file_${this.nextPath}.dat`;
    const ext = name.includes('.') ? `.${name.split('.').pop()}` : '';
    return this.register({
      uniqueId: newUniqueId(),
      kind: 'document',
      bytes,
      filePath: `documents/file_${this.nextPath++}${ext}`,
      fileName: name,
      mimeType: mimeType ?? mimeTypeFor(name) ?? 'application/octet-stream',
      width: undefined,
      height: undefined,
      photoSet: undefined,
    });
  }

  /** Telegram stores a photo in several sizes; all sizes here share the uploaded bytes. */
  createPhoto(bytes: Buffer): FileContent[] {
    const dims = imageSize(bytes) ?? DEFAULT_PHOTO;
    const longest = Math.max(dims.width, dims.height);
    const target = Math.min(longest, 1280);
    const sides = [...PHOTO_SIDES.filter((side) => side < target), target];
    const set = sides.map((side) =>
      this.register({
        uniqueId: newUniqueId(),
        kind: 'photo',
        bytes,
        filePath: `photos/file_${this.nextPath++}.jpg`,
        fileName: undefined,
        mimeType: 'image/jpeg',
        width: Math.max(1, Math.round((dims.width * side) / longest)),
        height: Math.max(1, Math.round((dims.height * side) / longest)),
        photoSet: undefined,
      }),
    );
    for (const content of set) content.photoSet = set;
    return set;
  }

  /** The bot's file_id for this content, issuing one the first time the bot meets the file. */
  refFor(botId: number, content: FileContent): FileRef {
    const key = `${botId}:${content.uniqueId}`;
    const existing = this.refIndex.get(key);
    if (existing !== undefined) return this.refs.get(existing)!;
    const prefix = content.kind === 'photo' ? 'AgACAgIAAxk' : 'BQACAgIAAxk';
    const ref: FileRef = { fileId: `${prefix}${randomToken(60)}`, botId, content };
    this.refs.set(ref.fileId, ref);
    this.refIndex.set(key, ref.fileId);
    return ref;
  }

  photoSizes(botId: number, set: FileContent[]): PhotoSize[] {
    return set.map((content) => ({
      file_id: this.refFor(botId, content).fileId,
      file_unique_id: content.uniqueId,
      file_size: content.bytes.length,
      width: content.width ?? DEFAULT_PHOTO.width,
      height: content.height ?? DEFAULT_PHOTO.height,
    }));
  }

  document(botId: number, content: FileContent): Document {
    const document: Document = {
      file_id: this.refFor(botId, content).fileId,
      file_unique_id: content.uniqueId,
      file_size: content.bytes.length,
    };
    if (content.fileName !== undefined) document.file_name = content.fileName;
    if (content.mimeType !== undefined) document.mime_type = content.mimeType;
    return document;
  }

  private register(content: FileContent): FileContent {
    this.byUnique.set(content.uniqueId, content);
    this.byPath.set(content.filePath, content);
    return content;
  }
}

function newUniqueId(): string {
  return `AQAD${randomToken(12)}`;
}

/** Width/height from a PNG or JPEG header, so photo sizes look like the real picture. */
export function imageSize(bytes: Buffer): { width: number; height: number } | undefined {
  if (
    bytes.length >= 24 &&
    bytes.readUInt32BE(0) === 0x89504e47 &&
    bytes.toString('latin1', 12, 16) === 'IHDR'
  ) {
    return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
  }
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) return undefined;
  let pos = 2;
  while (pos + 9 < bytes.length) {
    if (bytes[pos] !== 0xff) return undefined;
    const marker = bytes[pos + 1]!;
    const length = bytes.readUInt16BE(pos + 2);
    const isFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isFrame) return { height: bytes.readUInt16BE(pos + 5), width: bytes.readUInt16BE(pos + 7) };
    pos += 2 + length;
  }
  return undefined;
}
