// A Sentry ingest stand-in on 127.0.0.1: collects the envelopes a real Sentry transport sends.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

export interface EnvelopeItem {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
}
export interface Envelope {
  header: Record<string, unknown>;
  items: EnvelopeItem[];
}

export interface Ingest {
  dsn: string;
  envelopes: Envelope[];
  close(): Promise<void>;
}

/** Parses Sentry's envelope format: a header line, then per item a header line and a payload. */
export function parseEnvelope(body: Buffer): Envelope {
  const lines = body.toString('utf8').split('\n');
  const header = JSON.parse(lines[0]!);
  const items: EnvelopeItem[] = [];
  for (let i = 1; i + 1 < lines.length; i += 2) {
    if (!lines[i]) continue;
    const itemHeader = JSON.parse(lines[i]!);
    const raw = lines[i + 1]!;
    items.push({ header: itemHeader, payload: itemHeader.type === 'attachment' ? { data: raw } : JSON.parse(raw) });
  }
  return { header, items };
}

export async function startIngest(): Promise<Ingest> {
  const envelopes: Envelope[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      envelopes.push(parseEnvelope(req.headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body));
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    dsn: `http://public@127.0.0.1:${port}/1`,
    envelopes,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
