package main

import (
	"context"
	"fmt"
	"os"

	"github.com/spf13/pflag"
	"github.com/stakemap/stakemap/graph"
	"github.com/stakemap/stakemap/internal/analysis"
	"github.com/stakemap/stakemap/internal/embedded"
	"github.com/stakemap/stakemap/internal/neo4jstore"
)

// backendFlags selects and configures the backend of every command.
var backendFlags struct {
	db            string
	neo4jURI      string
	neo4jUser     string
	neo4jPassword string
	neo4jDatabase string
	at            string
}

func envOr(name, def string) string {
	if v, ok := os.LookupEnv(name); ok && v != "" {
		return v
	}
	return def
}

func addBackendFlags(fs *pflag.FlagSet) {
	fs.StringVar(&backendFlags.db, "db", envOr("STAKEMAP_DB", "stakemap.db"), "embedded database file (env STAKEMAP_DB)")
	fs.StringVar(&backendFlags.neo4jURI, "neo4j-uri", os.Getenv("NEO4J_URI"), "use Neo4j at this address instead of the embedded file, e.g. bolt://localhost:7687 (env NEO4J_URI)")
	fs.StringVar(&backendFlags.neo4jUser, "neo4j-user", envOr("NEO4J_USERNAME", "neo4j"), "Neo4j user name (env NEO4J_USERNAME)")
	fs.StringVar(&backendFlags.neo4jDatabase, "neo4j-database", os.Getenv("NEO4J_DATABASE"), "Neo4j database; empty: the server's default (env NEO4J_DATABASE)")
	fs.StringVar(&backendFlags.at, "at", "", "read the workspace as it was: a snapshot id, an RFC 3339 instant or a date (end of that day, UTC)")
	// The password is read from the environment only: a flag would show it
	// in the process list and the shell history.
	backendFlags.neo4jPassword = os.Getenv("NEO4J_PASSWORD")
}

// embeddedBackend pairs the embedded store with the Go analyses over it.
type embeddedBackend struct {
	*embedded.Store
	*analysis.Engine
}

// openBackend opens the backend the flags select, answering at --at when
// it is set; the caller closes it.
func openBackend(ctx context.Context) (graph.Backend, error) {
	b, err := openRawBackend(ctx)
	if err != nil {
		return nil, err
	}
	ab, err := withAt(b)
	if err != nil {
		b.Close()
		return nil, err
	}
	return ab, nil
}

// openRawBackend opens the backend the flags select, ignoring --at.
func openRawBackend(ctx context.Context) (graph.Backend, error) {
	if uri := backendFlags.neo4jURI; uri != "" {
		s, err := neo4jstore.Open(ctx, neo4jstore.Config{
			URI:      uri,
			Username: backendFlags.neo4jUser,
			Password: backendFlags.neo4jPassword,
			Database: backendFlags.neo4jDatabase,
		})
		if err != nil {
			return nil, fmt.Errorf("open neo4j %s: %w", uri, err)
		}
		return s, nil
	}
	s, err := embedded.Open(backendFlags.db)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", backendFlags.db, err)
	}
	return embeddedBackend{Store: s, Engine: analysis.New(s)}, nil
}
