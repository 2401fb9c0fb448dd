// The GraphQL playground at /playground: GraphiQL from this build (no CDN),
// opening with example queries on the sample warehouse. It talks only to
// /graphql on this server and never stores headers (see storage.ts).
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { GraphiQL } from 'graphiql';
import 'graphiql/style.css';
import examples from './examples.graphql?raw';
import { createFetcher } from './fetcher';
import { headerFreeStorage } from './storage';
import './playground.css';

const fetcher = createFetcher('/graphql');
const storage = headerFreeStorage();

createRoot(document.getElementById('playground')!).render(
  <StrictMode>
    <GraphiQL
      fetcher={fetcher}
      storage={storage}
      defaultQuery={examples}
      shouldPersistHeaders={false}
      showPersistHeadersSettings={false}
      defaultEditorToolsVisibility="headers"
    >
      <GraphiQL.Logo>
        <a href="/" className="pg-home">
          lineage
        </a>{' '}
        GraphQL
      </GraphiQL.Logo>
    </GraphiQL>
  </StrictMode>,
);
