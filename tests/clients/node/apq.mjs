// Apollo Client 4 with PersistedQueryLink (createPersistedQueryLink) and HttpLink, GET for
// hashed queries, against a live server; node's crypto makes the SHA-256.
// stdin: {"url": ".../graphql", "headers": {...},
//         "manifest": ["query ...", ...]           -> prints an Apollo persisted-query manifest
//         or "steps": [{"client": "app", "hash": "sha256" | "wrong", "query": "...",
//                       "variables": {...}}, ...]  -> prints one outcome per step:
//         {"data", "error": {name, message, codes, statusCode}, "requests": [{method, url,
//          body, status, contentType, body}]}
import { createHash } from 'node:crypto';

import { ApolloClient, ApolloLink, HttpLink, InMemoryCache, gql } from '@apollo/client';
import { createPersistedQueryLink } from '@apollo/client/link/persisted-queries';
import { print } from 'graphql';
import { Observable } from 'rxjs';

const spec = JSON.parse(await readStdin());
const sha256 = (text) => createHash('sha256').update(text).digest('hex');

if (spec.manifest) {
  process.stdout.write(JSON.stringify(await manifest(spec.manifest)));
} else {
  const clients = new Map();
  const outcomes = [];
  for (const step of spec.steps) {
    const key = `${step.client}:${step.hash}`;
    if (!clients.has(key)) clients.set(key, makeClient(step.hash));
    const { client, requests } = clients.get(key);
    requests.length = 0;
    const outcome = { data: null, error: null };
    try {
      const result = await client.query({
        query: gql(step.query),
        variables: step.variables ?? {},
        fetchPolicy: 'network-only',
      });
      outcome.data = result.data;
    } catch (error) {
      outcome.error = describe(error);
    }
    outcome.requests = [...requests];
    outcomes.push(outcome);
  }
  process.stdout.write(JSON.stringify(outcomes));
}

function makeClient(hash) {
  const requests = [];
  const recordingFetch = async (url, options) => {
    const response = await fetch(url, options);
    const text = await response.clone().text();
    requests.push({
      method: options?.method ?? 'GET',
      url: String(url),
      body: options?.body ?? null,
      status: response.status,
      contentType: response.headers.get('content-type'),
      response: text,
    });
    return response;
  };
  const persisted = createPersistedQueryLink({
    sha256: hash === 'wrong' ? () => '0'.repeat(64) : sha256,
    useGETForHashedQueries: true,
  });
  const http = new HttpLink({ uri: spec.url, fetch: recordingFetch, headers: spec.headers ?? {} });
  const client = new ApolloClient({ link: ApolloLink.from([persisted, http]), cache: new InMemoryCache() });
  return { client, requests };
}

// What @apollo/generate-persisted-query-manifest does: the documents as this client sends
// them (after the cache's transforms, e.g. __typename), hashed as PersistedQueryLink hashes.
async function manifest(queries) {
  const operations = [];
  const capture = new ApolloLink((operation) => {
    const body = print(operation.query);
    const definition = operation.query.definitions.find((d) => d.kind === 'OperationDefinition');
    operations.push({ id: sha256(body), name: definition?.name?.value ?? null, type: definition?.operation, body });
    return new Observable((observer) => {
      observer.next({ data: null });
      observer.complete();
    });
  });
  const client = new ApolloClient({ link: capture, cache: new InMemoryCache() });
  for (const query of queries) {
    try {
      await client.query({ query: gql(query), fetchPolicy: 'network-only' });
    } catch {
      // only the document matters here
    }
  }
  return { format: 'apollo-persisted-query-manifest', version: 1, operations };
}

function describe(error) {
  const graphQLErrors = error.errors ?? [];
  return {
    name: error.name ?? error.constructor?.name ?? null,
    message: error.message ?? String(error),
    codes: graphQLErrors.map((e) => e.extensions?.code ?? null),
    statusCode: error.statusCode ?? null,
  };
}

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return Buffer.concat(chunks).toString();
}
