// A loopback Sentry ingest: node:http on 127.0.0.1 (random port) that parses every envelope it
// receives (gunzipping when the SDK compressed it) and answers 200.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

export interface EnvelopeItem {
  header: { type: string; length?: number; filename?: string; content_type?: string; [key: string]: unknown };
  payload: Buffer;
  json(): any;
}

export interface ReceivedEnvelope {
  header: { event_id?: string; dsn?: string; trace?: Record<string, string>; [key: string]: unknown };
  items: EnvelopeItem[];
  gzip: boolean;
}

export interface Ingest {
  dsn: string;
  envelopes: ReceivedEnvelope[];
  /** Envelopes with an `event` item, each event once. */
  events(): any[];
  close(): Promise<void>;
}

/** Parses Sentry's envelope format: a JSON header line, then per item a header line and a payload (length-prefixed or to the next newline). */
export function parseEnvelope(body: Buffer): Omit<ReceivedEnvelope, 'gzip'> {
  let pos = 0;
  const line = (): Buffer => {
    const end = body.indexOf(0x0a, pos);
    const stop = end === -1 ? body.length : end;
    const text = body.subarray(pos, stop);
    pos = stop + 1;
    return text;
  };
  const header = JSON.parse(line().toString('utf8'));
  const items: EnvelopeItem[] = [];
  while (pos < body.length) {
    const headerLine = line();
    if (!headerLine.length) continue;
    const itemHeader = JSON.parse(headerLine.toString('utf8'));
    let payload: Buffer;
    if (typeof itemHeader.length === 'number') {
      payload = body.subarray(pos, pos + itemHeader.length);
      pos += itemHeader.length + 1;
    } else payload = line();
    items.push({ header: itemHeader, payload, json: () => JSON.parse(payload.toString('utf8')) });
  }
  return { header, items };
}

export async function startIngest(): Promise<Ingest> {
  const envelopes: ReceivedEnvelope[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const gzip = req.headers['content-encoding'] === 'gzip';
      envelopes.push({ ...parseEnvelope(gzip ? gunzipSync(raw) : raw), gzip });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    dsn: `http://public@127.0.0.1:${port}/1`,
    envelopes,
    events: () => envelopes.flatMap((e) => e.items.filter((i) => i.header.type === 'event').map((i) => i.json())),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
