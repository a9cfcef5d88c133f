import http from 'node:http';

export interface HttpCall {
  method: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  /** Sent as JSON. */
  body?: unknown;
}

export interface HttpReply {
  status: number;
  body: unknown;
}

/** One real HTTP request over `agent` (keep-alive, bounded sockets), failing after `timeoutMs`. */
export function httpCall(agent: http.Agent, origin: string, call: HttpCall, timeoutMs = 15_000): Promise<HttpReply> {
  const payload = call.body === undefined ? undefined : JSON.stringify(call.body);
  const headers = { ...call.headers, ...(payload === undefined ? {} : { 'content-type': 'application/json' }) };
  return new Promise((resolve, reject) => {
    const request = http.request(new URL(call.path, origin), { agent, method: call.method, headers, signal: AbortSignal.timeout(timeoutMs) }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text === '' ? undefined : JSON.parse(text) }));
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end(payload);
  });
}
