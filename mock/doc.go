// Package mock holds hand-written mocks of the lineage interfaces that have
// no in-process twin, such as lineage.Tracker (Jira). Each mock has one
// function field per method; tests set the ones they need. A method whose
// field is nil returns an EINTERNAL error naming it, so a test that reaches
// an unexpected method fails instead of panicking.
package mock
