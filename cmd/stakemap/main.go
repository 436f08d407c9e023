// Command stakemap is the stakeholder-mapping service and its command-line
// tools: import and export workspaces, run the analyses, render maps and
// serve the HTTP API.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"
	"github.com/stakemap/stakemap/graph"
)

// commands holds the constructors of the subcommands; each command's file
// registers its own so that the commands stay independent of each other.
var commands []func() *cobra.Command

func register(newCmd func() *cobra.Command) { commands = append(commands, newCmd) }

func newRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:           "stakemap",
		Short:         "Stakeholder maps for learning trajectories",
		Long:          "stakemap keeps the stakeholder map of each learning trajectory (leertraject), runs the analyses that flag missing co-owners and visibility gaps, answers influence-path questions and renders maps for slides.",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	addBackendFlags(root.PersistentFlags())
	for _, c := range commands {
		root.AddCommand(c())
	}
	return root
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	// Changes made from the command line are recorded as made by "cli";
	// requests to serve carry their own actor.
	ctx = graph.WithActor(ctx, graph.ActorCLI)
	err := newRootCmd().ExecuteContext(ctx)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "stakemap:", userMessage(err))
		os.Exit(exitCode(err))
	}
}

// exitCode is 2 for bad input or usage and 1 for every other failure.
func exitCode(err error) int {
	if errors.Is(err, graph.ErrInvalid) {
		return 2
	}
	return 1
}

// userMessage is the error as the user reads it, with what to do next
// where stakemap knows it.
func userMessage(err error) string {
	msg := err.Error()
	if errors.Is(err, graph.ErrCorrupt) && !errors.Is(err, errDamaged) {
		msg += "\n'stakemap check' shows what is wrong; 'stakemap salvage -o DIR' exports the workspaces that can still be read"
	}
	return msg
}
