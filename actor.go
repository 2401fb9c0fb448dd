package lineage

import "context"

type actorKey struct{}

// WithActor returns a context that carries the name of whoever is acting: the
// name of the bearer token that authenticated the request, or "system" for
// background work. Campaigns record it as creator and in event logs.
func WithActor(ctx context.Context, name string) context.Context {
	return context.WithValue(ctx, actorKey{}, name)
}

// ActorFrom returns the actor carried by ctx, or "" when the request is
// unauthenticated.
func ActorFrom(ctx context.Context) string {
	s, _ := ctx.Value(actorKey{}).(string)
	return s
}
