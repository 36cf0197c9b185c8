// graphql-http's server audits (GraphQL over HTTP conformance) against a live server.
// stdin: {"url": "http://127.0.0.1:PORT/graphql"}; stdout: [{id, name, status, reason}].
// The package exports its audits from the root (graphql-http/lib/audits re-exported).
import { serverAudits } from 'graphql-http';

const { url } = JSON.parse(await readStdin());
const results = [];
for (const audit of serverAudits({ url, fetchFn: fetch })) {
  const result = await audit.fn();
  const failed = result.status !== 'ok';
  results.push({
    id: audit.id,
    name: audit.name,
    status: result.status,
    reason: failed ? result.reason : null,
    response: failed && result.response ? await describe(result.response) : null,
  });
}
process.stdout.write(JSON.stringify(results));

async function describe(response) {
  let body = '';
  try {
    body = await response.text();
  } catch {
    // the audit read it already
  }
  return { status: response.status, contentType: response.headers.get('content-type'), body };
}

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return Buffer.concat(chunks).toString();
}
