// Every GraphQL operation the UI sends, with the types of their answers.
// Written against gql/schema/*.graphqls.
import { gql } from './api';

export type Kind = 'TABLE' | 'JOB' | 'OWNER';
export type Direction = 'UPSTREAM' | 'DOWNSTREAM' | 'BOTH';
export type Reach = 'DIRECT' | 'TRANSITIVE';
export type CampaignState = 'ACTIVE' | 'COMPLETE' | 'CANCELLED';
export type TicketStatus = 'TODO' | 'IN_PROGRESS' | 'DONE';

export interface OwnerRef {
  handle: string;
}
export interface JobRef {
  id: string;
  owner: OwnerRef | null;
}

// --- search ---------------------------------------------------------------

export interface SearchHit {
  kind: Kind;
  name: string;
}
export interface SearchResult {
  search: { hits: SearchHit[]; pageInfo: { endCursor: string | null; hasNextPage: boolean } };
}
const SEARCH = `query Search($query: String!, $kinds: [NodeKind!], $first: Int, $after: String) {
  search(query: $query, kinds: $kinds, first: $first, after: $after) {
    hits { kind name }
    pageInfo { endCursor hasNextPage }
  }
}`;
export const search = (query: string, opts: { kinds?: Kind[]; first?: number; after?: string | null; signal?: AbortSignal } = {}) =>
  gql<SearchResult>(SEARCH, { query, kinds: opts.kinds ?? null, first: opts.first ?? 20, after: opts.after ?? null }, { signal: opts.signal });

// --- counts ---------------------------------------------------------------

export interface Counts {
  tables: number;
  jobs: number;
  owners: number;
  edges: number;
}
export const counts = (signal?: AbortSignal) =>
  gql<{ counts: Counts }>(`query Counts { counts { tables jobs owners edges } }`, {}, { signal });

// --- table and lineage ----------------------------------------------------

export interface TableDetail {
  name: string;
  readers: JobRef[];
  writers: JobRef[];
  owners: { handle: string; team: string; email: string }[];
}
const TABLE = `query Table($name: String!) {
  table(name: $name) {
    name
    readers { id owner { handle } }
    writers { id owner { handle } }
    owners { handle team email }
  }
}`;
export const table = (name: string, signal?: AbortSignal) => gql<{ table: TableDetail | null }>(TABLE, { name }, { signal });

export interface LineageResult {
  root: { name: string };
  direction: Direction;
  depth: number;
  tables: { name: string }[];
  jobs: JobRef[];
  owners: OwnerRef[];
  edges: { job: string; table: string; kind: 'READS' | 'WRITES' }[];
  truncated: boolean;
}
const LINEAGE = `query Lineage($table: String!, $direction: Direction, $depth: Int, $limit: Int) {
  lineage(table: $table, direction: $direction, depth: $depth, limit: $limit) {
    root { name }
    direction
    depth
    tables { name }
    jobs { id owner { handle } }
    owners { handle }
    edges { job table kind }
    truncated
  }
}`;
export const lineage = (v: { table: string; direction: Direction; depth: number; limit: number }, signal?: AbortSignal) =>
  gql<{ lineage: LineageResult | null }>(LINEAGE, v, { signal });

/** subgraphInput adapts a lineage answer to the layout's input. */
export function subgraphInput(l: LineageResult) {
  return {
    tables: l.tables,
    jobs: l.jobs.map((j) => ({ id: j.id, owner: j.owner?.handle ?? null })),
    owners: l.owners,
    edges: l.edges,
  };
}

// --- job ------------------------------------------------------------------

export interface JobDetail {
  id: string;
  source: string;
  path: string;
  dialect: string;
  hash: string;
  owner: { handle: string; team: string; email: string } | null;
  reads: { name: string }[];
  writes: { name: string }[];
  script?: string | null;
}
const jobQuery = (withScript: boolean) => `query Job($id: ID!) {
  job(id: $id) {
    id source path dialect hash
    owner { handle team email }
    reads { name }
    writes { name }${withScript ? '\n    script' : ''}
  }
}`;

let jobFields: Promise<Set<string>> | null = null;
/**
 * jobHasField asks the schema (once) whether Job has a field, so the job
 * page can show the script as soon as the server offers it.
 */
export function jobHasField(name: string): Promise<boolean> {
  if (!jobFields) {
    jobFields = gql<{ __type: { fields: { name: string }[] } | null }>(`query JobFields { __type(name: "Job") { fields { name } } }`)
      .then((r) => new Set((r.__type?.fields ?? []).map((f) => f.name)))
      .catch(() => {
        jobFields = null;
        return new Set<string>();
      });
  }
  return jobFields.then((s) => s.has(name));
}

export const job = async (id: string, signal?: AbortSignal) => {
  const withScript = await jobHasField('script');
  return gql<{ job: JobDetail | null }>(jobQuery(withScript), { id }, { signal });
};

export interface ParsedStatement {
  line: number;
  kind: string;
  reads: string[];
  writes: string[];
  confidence: string;
}
export interface ParseResult {
  reads: string[];
  writes: string[];
  statements: ParsedStatement[];
  warnings: { line: number; column: number; message: string }[];
}
const PARSE = `query Parse($sql: String!, $dialect: String) {
  parse(sql: $sql, dialect: $dialect) {
    reads writes
    statements { line kind reads writes confidence }
    warnings { line column message }
  }
}`;
export const parse = (sql: string, dialect: string | null, signal?: AbortSignal) =>
  gql<{ parse: ParseResult }>(PARSE, { sql, dialect: dialect || null }, { signal });

// --- owner ----------------------------------------------------------------

export interface OwnerDetail {
  handle: string;
  email: string;
  jiraUser: string;
  team: string;
  jobs: { id: string; reads: { name: string }[]; writes: { name: string }[] }[];
}
const OWNER = `query Owner($handle: String!) {
  owner(handle: $handle) {
    handle email jiraUser team
    jobs { id reads { name } writes { name } }
  }
}`;
export const owner = (handle: string, signal?: AbortSignal) => gql<{ owner: OwnerDetail | null }>(OWNER, { handle }, { signal });

// --- campaigns ------------------------------------------------------------

export interface Progress {
  total: number;
  complete: number;
  open: number;
  pending: number;
  cancelled: number;
}
export interface CampaignSummary {
  id: string;
  title: string;
  table: { name: string };
  replacement: string;
  state: CampaignState;
  deadline: string | null;
  createdAt: string;
  creator: string;
  progress: Progress;
}
export interface Target {
  owner: { handle: string; email: string };
  role: 'ACT' | 'INFORM';
  hops: number;
  jobs: string[];
  tables: string[];
  state: 'PENDING' | 'OPEN' | 'COMPLETE' | 'CANCELLED';
  ticketKey: string;
  ticketUrl: string;
  ticketStatus: TicketStatus | null;
  unassigned: boolean;
  verification: 'UNVERIFIED' | 'STILL_READING' | 'VERIFIED';
  detail: string;
  lastError: string;
  attempts: number;
  remindedAt: string | null;
}
export interface CampaignEvent {
  id: number;
  at: string;
  actor: string;
  kind: string;
  owner: string;
  message: string;
}
export interface CampaignDetail extends CampaignSummary {
  message: string;
  reach: Reach;
  updatedAt: string;
  completedAt: string | null;
  tracker: string;
  targets: Target[];
  events: CampaignEvent[];
}

const SUMMARY_FIELDS = `id title table { name } replacement state deadline createdAt creator
    progress { total complete open pending cancelled }`;
const TARGET_FIELDS = `owner { handle email } role hops jobs tables state ticketKey ticketUrl ticketStatus
      unassigned verification detail lastError attempts remindedAt`;
const DETAIL_FIELDS = `${SUMMARY_FIELDS}
    message reach updatedAt completedAt tracker
    targets { ${TARGET_FIELDS} }
    events { id at actor kind owner message }`;

const CAMPAIGNS = `query Campaigns($state: CampaignState, $first: Int, $after: String) {
  campaigns(state: $state, first: $first, after: $after) {
    nodes { ${SUMMARY_FIELDS} }
    pageInfo { endCursor hasNextPage }
  }
}`;
export const campaigns = (v: { state?: CampaignState | null; first?: number; after?: string | null }, signal?: AbortSignal) =>
  gql<{ campaigns: { nodes: CampaignSummary[]; pageInfo: { endCursor: string | null; hasNextPage: boolean } } }>(
    CAMPAIGNS,
    { state: v.state ?? null, first: v.first ?? 50, after: v.after ?? null },
    { signal },
  );

const CAMPAIGN = `query Campaign($id: ID!) { campaign(id: $id) { ${DETAIL_FIELDS} } }`;
export const campaign = (id: string, signal?: AbortSignal) => gql<{ campaign: CampaignDetail | null }>(CAMPAIGN, { id }, { signal });

export interface StartCampaignInput {
  table: string;
  replacement?: string | null;
  title: string;
  message?: string | null;
  deadline?: string | null;
  reach: Reach;
  dryRun: boolean;
}
export interface TicketPreview {
  owner: { handle: string; email: string };
  summary: string;
  description: string;
  due: string | null;
}
export interface ImpactPreview {
  totals: { owners: number; mustAct: number; informed: number; jobs: number; tables: number };
  truncated: boolean;
  owners: {
    owner: { handle: string; team: string };
    hops: number;
    direct: boolean;
    jobs: { job: { id: string }; hops: number; reads: { name: string }[]; writes: { name: string }[] }[];
    tables: { name: string }[];
  }[];
}
export interface StartCampaignPayload {
  campaign: CampaignDetail;
  impact: ImpactPreview | null;
  tickets: TicketPreview[];
  dryRun: boolean;
}
const START = `mutation StartCampaign($input: StartCampaignInput!) {
  startCampaign(input: $input) {
    dryRun
    campaign { ${DETAIL_FIELDS} }
    impact {
      totals { owners mustAct informed jobs tables }
      truncated
      owners {
        owner { handle team }
        hops direct
        jobs { job { id } hops reads { name } writes { name } }
        tables { name }
      }
    }
    tickets { owner { handle email } summary description due }
  }
}`;
export const startCampaign = (input: StartCampaignInput) =>
  gql<{ startCampaign: StartCampaignPayload | null }>(START, { input }, { auth: true });

export const syncCampaign = (id: string) =>
  gql<{ syncCampaign: CampaignDetail | null }>(`mutation Sync($id: ID!) { syncCampaign(id: $id) { ${DETAIL_FIELDS} } }`, { id }, { auth: true });
export const remindCampaign = (id: string) =>
  gql<{ remindCampaign: CampaignDetail | null }>(`mutation Remind($id: ID!) { remindCampaign(id: $id) { ${DETAIL_FIELDS} } }`, { id }, { auth: true });
export const cancelCampaign = (id: string, reason: string) =>
  gql<{ cancelCampaign: CampaignDetail | null }>(
    `mutation Cancel($id: ID!, $reason: String!) { cancelCampaign(id: $id, reason: $reason) { ${DETAIL_FIELDS} } }`,
    { id, reason },
    { auth: true },
  );
export const setTicketStatus = (key: string, status: TicketStatus, comment?: string) =>
  gql<{ setTicketStatus: { key: string; status: TicketStatus } | null }>(
    `mutation SetTicketStatus($key: String!, $status: TicketStatus!, $comment: String) {
      setTicketStatus(key: $key, status: $status, comment: $comment) { key status }
    }`,
    { key, status, comment: comment ?? null },
    { auth: true },
  );
