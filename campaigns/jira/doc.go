// Package jira is the lineage.Tracker on Jira Cloud and Jira Data Center,
// built on github.com/andygrunwald/go-jira v1.17.0.
//
// One campaign target is one Jira issue. Every issue carries two labels: one
// naming the campaign (lineage-campaign-ID) and one naming the owner
// (lineage-owner-HANDLE). Before creating anything, EnsureTickets searches
// the project for the campaign's label, so a crash between a create and the
// store update never yields a second issue for the same owner: the next pass
// finds the first one. Jira's search lags behind its writes, so a ticket
// whose creation is in doubt (TicketRequest.InDoubt, or a lost answer) is
// created again only when a search started Config.SearchLag after the
// doubtful request finds nothing. Issues are created 50 per request through
// the bulk endpoint, and a failure of one item stays on that item.
//
// Comments carry a marker line naming the caller's ref and are checked for
// before being sent; reminders record an issue property before the notify
// request; transitions re-read the status before a retry. Every write first
// runs the fencing check of its context (lineage.Fence).
//
// Cloud is spoken in REST v3 (descriptions and comments in the Atlassian
// Document Format, search through /rest/api/3/search/jql); Data Center in
// REST v2 (plain text, /rest/api/2/search). go-jira builds, authenticates and
// sends each request; this package adds the endpoints go-jira lacks, the
// retries (429 and 5xx, honouring Retry-After) and the translation of
// failures into lineage error codes.
//
// Webhook is the receiver for Jira's issue webhooks (POST /hooks/jira): it
// checks a shared secret, decodes the status category and hands the change to
// a callback, so that package campaigns need never import go-jira.
package jira
