// Package campaigns runs migration campaigns over the lineage interfaces: a
// data engineer changing or retiring a table starts one, the Service finds
// everyone downstream in the lineage graph, opens one ticket per owner
// through a lineage.Tracker, and follows the campaign until every consumer
// has moved, which it checks in the lineage graph itself, not only in the
// tracker.
//
// Start stores the campaign with all its targets before any ticket exists;
// everything that talks to the tracker runs in steps (Sync, or Run's loop),
// each under a short lease on the campaign, renewed in the background and
// checked before every write to the tracker, so that several `lineage
// serve` replicas on one store never work on the same campaign at once. A
// step is safe to repeat after a crash at any point: tickets are ensured,
// not blindly created (a creation in doubt waits for the tracker's search
// to catch up), and every comment and reminder carries a ref the tracker
// checks, so an owner never gets two tickets, comments or reminders.
//
// The package imports only the root package and the standard library: the
// Jira tracker lives in campaigns/jira and reaches the service through
// lineage.Tracker and Service.TicketChanged. Builtin is the tracker for the
// embedded default, keeping tickets in a lineage.TicketStore.
package campaigns
