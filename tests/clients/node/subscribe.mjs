// The graphql-ws client (v6, what Apollo's GraphQLWsLink uses) with `ws` under Node.
// stdin: {"url": "ws://...", "token": "...", "query": "subscription ...", "count": 1,
//         "timeoutMs": 15000}
// Prints {"event": "connected"} once acknowledged, then {"event": "done", "results": [...],
// "errors": [...], "closed": {code, reason} | null} after `count` results, an error or the
// timeout.
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

const spec = JSON.parse(await readStdin());
let closed = null;
const client = createClient({
  url: spec.url,
  webSocketImpl: WebSocket,
  connectionParams: spec.token ? { Authorization: `Bearer ${spec.token}` } : {},
  retryAttempts: 0,
  lazy: false,
  on: {
    connected: () => emit({ event: 'connected' }),
    closed: (event) => {
      closed = { code: event?.code ?? null, reason: event?.reason ?? null };
    },
  },
});

const results = [];
const errors = [];
await new Promise((resolve) => {
  const timer = setTimeout(resolve, spec.timeoutMs ?? 15000);
  const stop = () => {
    clearTimeout(timer);
    resolve();
  };
  client.subscribe(
    { query: spec.query, variables: spec.variables ?? {} },
    {
      next: (value) => {
        results.push(value);
        if (results.length >= (spec.count ?? 1)) stop();
      },
      error: (error) => {
        errors.push(describe(error));
        stop();
      },
      complete: stop,
    },
  );
});
await client.dispose();
emit({ event: 'done', results, errors, closed });
process.exit(0);

function describe(error) {
  if (Array.isArray(error)) return { graphQLErrors: error };
  if (error instanceof Error) return { message: error.message };
  return { code: error?.code ?? null, reason: error?.reason ?? null, type: error?.type ?? null };
}

function emit(value) {
  process.stdout.write(JSON.stringify(value) + '\n');
}

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return Buffer.concat(chunks).toString();
}
