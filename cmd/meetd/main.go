// Command meetd is a self-hosted, Microsoft Graph–compatible online meetings
// service: `meetd serve` runs it, `meetd token` mints dev tokens, `meetd
// policy` manages application access policies.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	// The first signal asks for a graceful stop (serve drains its requests);
	// a second one, while that runs, ends the process at once, as an
	// operator pressing Ctrl-C twice expects.
	go func() {
		<-ctx.Done()
		stop()
	}()
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "meetd:", err)
		if errors.Is(err, errUsage) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}
