// A supergraph of capgraph and a small second subgraph, for tests/all/federation.rs.
//
//   node supergraph.mjs CAPGRAPH_URL
//
// Reads capgraph's subgraph SDL from `_service { sdl }` (the real engine's answer), starts the
// second subgraph ("liaison", @apollo/subgraph on @apollo/server) on a free loopback port,
// composes the two with @apollo/composition (exit 1, printing every error, if composition
// fails), then serves @apollo/gateway on a free loopback port in front of both. Prints one line
// `READY {"gateway": URL, "liaison": URL, "hints": N}` once it answers, and runs until its stdin
// closes (the test holds it) or it is killed.
//
// The liaison subgraph extends capgraph's entities by key: `Nation @key(fields: "code")` gains
// `liaisonOffice`, `Project @key(fields: "code")` gains `reviews`; its own root fields hand back
// nations and projects by code only, which the gateway completes from capgraph's `_entities`.

import { composeServices } from '@apollo/composition';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';

const capgraph = process.argv[2];
if (!capgraph) {
  console.error('usage: node supergraph.mjs CAPGRAPH_URL');
  process.exit(2);
}

// Everything must be up within this time, or the test would wait for nothing.
setTimeout(() => {
  console.error('supergraph.mjs: not ready within 60 s');
  process.exit(3);
}, 60_000).unref();

const liaisonSdl = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.5", import: ["@key"])

  type Nation @key(fields: "code") {
    code: String!
    "The liaison office this subgraph keeps for the nation."
    liaisonOffice: String
  }

  type Project @key(fields: "code") {
    code: String!
    "Reviews of the project, kept by this subgraph."
    reviews: [Review!]!
  }

  type Review {
    rating: Int!
    text: String!
    project: Project!
  }

  type Query {
    "Every review, each with its project (by code: the gateway asks capgraph for the rest)."
    reviews: [Review!]!
    "Nations by code, as references only (the gateway asks capgraph for the rest)."
    nationsByCode(codes: [String!]!): [Nation!]!
  }
`;

const offices = { DEU: 'Liaison office Berlin', FRA: 'Liaison office Paris', HUN: 'Liaison office Budapest' };
const reviews = [
  { rating: 5, text: 'Delivers', project: 'r-socc' },
  { rating: 4, text: 'Growing', project: 'mawi' },
];

const resolvers = {
  Query: {
    reviews: () => reviews.map((r) => ({ ...r, project: { code: r.project } })),
    nationsByCode: (_, { codes }) => codes.map((code) => ({ code })),
  },
  Nation: {
    __resolveReference: (ref) => ({ code: ref.code }),
    liaisonOffice: (nation) => offices[nation.code] ?? null,
  },
  Project: {
    __resolveReference: (ref) => ({ code: ref.code }),
    reviews: (project) => reviews.filter((r) => r.project === project.code).map((r) => ({ ...r, project: { code: r.project } })),
  },
};

const response = await fetch(capgraph, {
  method: 'POST',
  headers: { 'content-type': 'application/json', accept: 'application/json' },
  body: JSON.stringify({ query: '{ _service { sdl } }' }),
});
const answer = await response.json();
const capgraphSdl = answer?.data?._service?.sdl;
if (typeof capgraphSdl !== 'string') {
  console.error('capgraph gave no _service { sdl }:', JSON.stringify(answer).slice(0, 2000));
  process.exit(1);
}

const liaisonServer = new ApolloServer({ schema: buildSubgraphSchema({ typeDefs: parse(liaisonSdl), resolvers }) });
const { url: liaison } = await startStandaloneServer(liaisonServer, { listen: { host: '127.0.0.1', port: 0 } });

const composed = composeServices([
  { name: 'capgraph', typeDefs: parse(capgraphSdl), url: capgraph },
  { name: 'liaison', typeDefs: parse(liaisonSdl), url: liaison },
]);
if (composed.errors && composed.errors.length > 0) {
  console.error(`composition failed with ${composed.errors.length} errors:`);
  for (const error of composed.errors) {
    console.error(`- ${error.extensions?.code ?? ''} ${error.message}`);
  }
  process.exit(1);
}

const gatewayServer = new ApolloServer({ gateway: new ApolloGateway({ supergraphSdl: composed.supergraphSdl }) });
const { url: gateway } = await startStandaloneServer(gatewayServer, { listen: { host: '127.0.0.1', port: 0 } });

console.log(`READY ${JSON.stringify({ gateway, liaison, hints: (composed.hints ?? []).length })}`);

const stop = async () => {
  await Promise.allSettled([gatewayServer.stop(), liaisonServer.stop()]);
  process.exit(0);
};
process.stdin.on('end', stop);
process.stdin.on('close', stop);
process.stdin.resume();
process.on('SIGTERM', stop);
