package main

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"github.com/stakemap/stakemap/internal/neo4jstore"
)

func init() { register(newCypherCmd) }

func newCypherCmd() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "cypher",
		Short: "Print every Cypher statement the Neo4j backend sends",
		Long: `Cypher prints every statement the Neo4j backend sends, each with its name.
Finding statements are named by their finding code and can be pasted into
Neo4j Browser after setting their parameters, for example:

  :param workspace => 'oostvoorde'
  :param asOf => '2026-11-23'
  :param high => 4
  :param window => 90

No server is needed. With --json the output is a JSON array of
{"name": ..., "statement": ...}, the input of the CI Cypher lint.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			statements := neo4jstore.Statements()
			out := cmd.OutOrStdout()
			if asJSON {
				enc := json.NewEncoder(out)
				enc.SetIndent("", "  ")
				enc.SetEscapeHTML(false)
				return enc.Encode(statements)
			}
			for i, s := range statements {
				if i > 0 {
					fmt.Fprintln(out)
				}
				fmt.Fprintf(out, "// %s\n%s;\n", s.Name, strings.TrimSpace(s.Statement))
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print a JSON array of {name, statement}")
	return cmd
}
