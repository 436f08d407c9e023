package graph

import "context"

// Actor names who makes a change, for the history of a workspace: an
// account ("account:<id>"), a token ("token:<name>"), a share link never
// (links only read), or "cli" for the command line.
type Actor string

// ActorCLI is the actor of changes made with the stakemap command.
const ActorCLI Actor = "cli"

type actorKey struct{}

// WithActor returns a context whose writes are recorded as made by a.
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorOf returns the actor a context's writes are recorded as, or "" when
// none was set.
func ActorOf(ctx context.Context) Actor {
	a, _ := ctx.Value(actorKey{}).(Actor)
	return a
}
