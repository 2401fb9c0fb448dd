/** KindBadge marks a name as a table, job or owner, in the graph's colours. */
export function KindBadge({ kind }: { kind: string }) {
  const label = kind === 'JOB' ? 'job' : kind === 'OWNER' ? 'owner' : 'table';
  return <span className={`kind kind-${label}`}>{label}</span>;
}
