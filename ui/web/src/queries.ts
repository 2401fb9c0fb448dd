// Every GraphQL operation the UI sends, with the types of their answers.
// Written against gql/schema/*.graphqls.
import { ApiError, gql } from './api';
import { COLUMN_IMPACT_FIELDS, type ColumnChange } from './columns';

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
  /** script is the script text as ingested, null when the server has none. */
  script: string | null;
}
const JOB = `query Job($id: ID!) {
  job(id: $id) {
    id source path dialect hash
    owner { handle team email }
    reads { name }
    writes { name }
    script
  }
}`;

const typeFields = new Map<string, Promise<Set<string>>>();
/**
 * hasField asks the schema (once per type) whether a type has a field, so
 * the UI can use a field as soon as the server offers it.
 */
export function hasField(type: string, name: string): Promise<boolean> {
  let p = typeFields.get(type);
  if (!p) {
    p = gql<{ __type: { fields: { name: string }[] } | null }>(`query TypeFields($t: String!) { __type(name: $t) { fields { name } } }`, { t: type })
      .then((r) => new Set((r.__type?.fields ?? []).map((f) => f.name)))
      .catch(() => {
        typeFields.delete(type);
        return new Set<string>();
      });
    typeFields.set(type, p);
  }
  return p.then((s) => s.has(name));
}

/** forgetSchema drops what hasField learnt (for tests, and after a server upgrade). */
export function forgetSchema(): void {
  typeFields.clear();
}

export const job = (id: string, signal?: AbortSignal) => gql<{ job: JobDetail | null }>(JOB, { id }, { signal });

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
  /** columns and change scope a column campaign (issue 16): empty and null for a table-wide one. */
  columns?: string[];
  change?: ColumnChange | null;
}
export interface Target {
  owner: { handle: string; email: string };
  role: 'ACT' | 'INFORM';
  hops: number;
  /** jobs holds the first TARGET_JOBS of the owner's jobCount jobs; tables the first TARGET_TABLES of tableCount. */
  jobs: string[];
  jobCount: number;
  tables: string[];
  tableCount: number;
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
    progress { total complete open pending cancelled }
    columns change`;
// A target's jobs and tables come a page at a time (TARGET_JOBS, TARGET_TABLES)
// with their counts: an owner in a hub table's campaign has thousands.
const TARGET_JOBS = 20;
const TARGET_TABLES = 10;
const TARGET_FIELDS = `owner { handle email } role hops jobs(first: ${TARGET_JOBS}) jobCount tables(first: ${TARGET_TABLES}) tableCount state ticketKey ticketUrl ticketStatus
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
  /** columns scopes the campaign to these columns of table (issue 16); left out for a table-wide one. */
  columns?: string[];
  change?: ColumnChange;
}
export interface TicketPreview {
  owner: { handle: string; email: string };
  summary: string;
  description: string;
  due: string | null;
}
export interface ImpactPreviewOwner {
  owner: { handle: string; team: string };
  hops: number;
  direct: boolean;
  /** jobCount counts the owner's jobs; jobs holds the first PREVIEW_JOBS of them, fewest hops first. */
  jobCount: number;
  jobs: { job: { id: string }; hops: number; reads: { name: string }[]; writes: { name: string }[] }[];
}
export interface ImpactPreview {
  totals: { owners: number; mustAct: number; informed: number; jobs: number; tables: number };
  truncated: boolean;
  /** owners is a page of the impact's owners (by hops, then handle); a table-wide preview only. */
  owners?: ImpactPreviewOwner[];
}
/** PreviewTarget is what a preview asks of each target: whom, why and how far. */
export type PreviewTarget = Pick<Target, 'owner' | 'role' | 'hops'>;
export interface StartCampaignPayload {
  campaign: Omit<CampaignDetail, 'events' | 'targets'> & { targets: PreviewTarget[] };
  impact: ImpactPreview | null;
  /** tickets holds the first PREVIEW_TICKETS; ticketCount counts them all (one per target). */
  tickets: TicketPreview[];
  ticketCount: number;
  dryRun: boolean;
}
/**
 * A hub table's preview concerns hundreds of owners and 100,000 jobs (40 MB
 * when asked whole): the wizard asks for pages. PREVIEW_OWNERS owners at a
 * time, PREVIEW_JOBS jobs of each, PREVIEW_TICKETS ticket bodies.
 */
export const PREVIEW_OWNERS = 50;
export const PREVIEW_JOBS = 20;
export const PREVIEW_TICKETS = 20;
// What a table-wide preview asks of each owner (a page of their jobs).
const PREVIEW_OWNER_FIELDS = `owner { handle team } hops direct jobCount
        jobs(first: $jobs) { job { id } hops reads { name } writes { name } }`;
// A dry run's campaign is not stored, so it has no event log to ask for.
// A column-scoped preview (scoped) lists its owners by role with every job
// and use (ColumnPreview); a table-wide one pages owners and their jobs.
const PREVIEW = `query CampaignPreview($input: StartCampaignInput!, $scoped: Boolean!, $first: Int!, $offset: Int!, $jobs: Int!, $tickets: Int!) {
  campaignPreview(input: $input) {
    dryRun
    campaign {
      ${SUMMARY_FIELDS}
      message reach updatedAt completedAt tracker
      targets { owner { handle email } role hops }
    }
    impact {
      totals { owners mustAct informed jobs tables }
      truncated
      ${COLUMN_IMPACT_FIELDS}
      owners(first: $first, offset: $offset) @skip(if: $scoped) {
        ${PREVIEW_OWNER_FIELDS}
      }
    }
    ticketCount
    tickets(first: $tickets) { owner { handle email } summary description due }
  }
}`;
const PREVIEW_OWNERS_PAGE = `query CampaignPreviewOwners($input: StartCampaignInput!, $first: Int!, $offset: Int!, $jobs: Int!) {
  campaignPreview(input: $input) {
    impact {
      owners(first: $first, offset: $offset) {
        ${PREVIEW_OWNER_FIELDS}
      }
    }
  }
}`;
// Launching needs only the new campaign's id: its page shows the rest.
const START = `mutation StartCampaign($input: StartCampaignInput!) {
  startCampaign(input: $input) { dryRun campaign { id } }
}`;
export const startCampaign = (input: StartCampaignInput) =>
  gql<{ startCampaign: { dryRun: boolean; campaign: { id: string } } | null }>(START, { input }, { auth: true });
/** previewCampaign is the wizard's dry run: a query, open to readers, storing nothing. */
export const previewCampaign = (input: StartCampaignInput) =>
  gql<{ campaignPreview: StartCampaignPayload | null }>(PREVIEW, {
    input,
    scoped: (input.columns?.length ?? 0) > 0,
    first: PREVIEW_OWNERS,
    offset: 0,
    jobs: PREVIEW_JOBS,
    tickets: PREVIEW_TICKETS,
  });
/** previewOwners fetches the next page of a table-wide preview's owners. */
export const previewOwners = (input: StartCampaignInput, offset: number) =>
  gql<{ campaignPreview: { impact: { owners: ImpactPreviewOwner[] } | null } | null }>(PREVIEW_OWNERS_PAGE, {
    input,
    first: PREVIEW_OWNERS,
    offset,
    jobs: PREVIEW_JOBS,
  });

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
  gql<{ setTicketStatus: { key: string; status: TicketStatus; campaignId: string } | null }>(
    `mutation SetTicketStatus($key: String!, $status: TicketStatus!, $comment: String) {
      setTicketStatus(key: $key, status: $status, comment: $comment) { key status campaignId }
    }`,
    { key, status, comment: comment ?? null },
    { auth: true },
  );

// --- tickets (built-in tracker) -------------------------------------------

export interface TicketDetail {
  key: string;
  url: string;
  campaignId: string;
  owner: string;
  assignee: string;
  unassigned: boolean;
  status: TicketStatus;
  summary: string;
  description: string;
  due: string | null;
  comments: { at: string; author: string; body: string }[];
  createdAt: string;
  updatedAt: string;
}
const TICKET_FIELDS = `key url campaignId owner assignee unassigned status summary description due
  comments { at author body } createdAt updatedAt`;

/**
 * ticket finds a ticket by key: with the server's ticket(key) query when it
 * has one, otherwise by looking through the campaigns' targets.
 */
export async function ticket(key: string, signal?: AbortSignal): Promise<{ ticket: TicketDetail | null; campaign: { id: string; title: string; tracker: string } | null }> {
  if (await hasField('Query', 'ticket')) {
    let r: { ticket: TicketDetail | null };
    try {
      r = await gql<{ ticket: TicketDetail | null }>(`query Ticket($key: String!) { ticket(key: $key) { ${TICKET_FIELDS} } }`, { key }, { signal });
    } catch (e) {
      if (e instanceof ApiError && e.notFound) return { ticket: null, campaign: null };
      throw e;
    }
    if (!r.ticket) return { ticket: null, campaign: null };
    const c = await gql<{ campaign: { id: string; title: string; tracker: string } | null }>(
      `query TicketCampaign($id: ID!) { campaign(id: $id) { id title tracker } }`,
      { id: r.ticket.campaignId },
      { signal },
    );
    return { ticket: r.ticket, campaign: c.campaign };
  }
  let after: string | null = null;
  for (let page = 0; page < 20; page++) {
    const r: { campaigns: { nodes: { id: string; title: string; tracker: string; targets: { ticketKey: string }[] }[]; pageInfo: { endCursor: string | null; hasNextPage: boolean } } } =
      await gql(
        `query TicketScan($after: String) { campaigns(first: 50, after: $after) { nodes { id title tracker targets { ticketKey } } pageInfo { endCursor hasNextPage } } }`,
        { after },
        { signal },
      );
    const hit = r.campaigns.nodes.find((c) => c.targets.some((t) => t.ticketKey === key));
    if (hit) {
      const d = await gql<{ campaign: { targets: { ticketKey: string; ticket: TicketDetail | null }[] } | null }>(
        `query TicketOf($id: ID!) { campaign(id: $id) { targets { ticketKey ticket { ${TICKET_FIELDS} } } } }`,
        { id: hit.id },
        { signal },
      );
      const t = d.campaign?.targets.find((x) => x.ticketKey === key)?.ticket ?? null;
      return { ticket: t, campaign: { id: hit.id, title: hit.title, tracker: hit.tracker } };
    }
    if (!r.campaigns.pageInfo.hasNextPage) break;
    after = r.campaigns.pageInfo.endCursor;
  }
  return { ticket: null, campaign: null };
}
