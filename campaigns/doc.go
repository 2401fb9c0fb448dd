// Package campaigns runs migration campaigns over the lineage interfaces: a
// data engineer changing or retiring a table starts one, the Service finds
// everyone downstream in the lineage graph, opens one ticket per owner
// through a lineage.Tracker, and follows the campaign until every consumer
// has moved, which it checks in the lineage graph itself, not only in the
// tracker.
//
// Start stores the campaign with all its targets before any ticket exists;
// everything that talks to the tracker runs in steps (Sync, or Run's loop),
// each under a lease on the campaign so that several `lineage serve`
// replicas on one store never work on the same campaign at once. A step is
// safe to repeat after a crash at any point: tickets are ensured, not
// blindly created, so an owner never gets two.
//
// The package imports only the root package and the standard library: the
// Jira tracker lives in campaigns/jira and reaches the service through
// lineage.Tracker and Service.TicketChanged. Builtin is the tracker for the
// embedded default, keeping tickets in a lineage.TicketStore.
package campaigns
