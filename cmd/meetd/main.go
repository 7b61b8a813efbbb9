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
	// SIGHUP (the terminal closed, or an operator's "reload") stops serve
	// as SIGTERM does, with a drain and a log line, instead of killing it
	// at once, as Go's default for it would; unless meetd was started with
	// SIGHUP ignored (nohup), which asking for it would undo.
	stopOn := []os.Signal{os.Interrupt, syscall.SIGTERM}
	if !signal.Ignored(syscall.SIGHUP) {
		stopOn = append(stopOn, syscall.SIGHUP)
	}
	ctx, stop := signal.NotifyContext(context.Background(), stopOn...)
	// The first signal asks for a graceful stop (serve drains its requests);
	// a second one, while that runs, ends the process at once, as an
	// operator pressing Ctrl-C twice expects. Counted here rather than by
	// handing the signal back to its default: a shell starts a background
	// job with SIGINT ignored, and that is the default it would get back.
	signals := make(chan os.Signal, 2)
	signal.Notify(signals, stopOn...)
	go func() {
		<-signals
		<-signals
		fmt.Fprintln(os.Stderr, "meetd: a second signal: stopping without waiting for the drain")
		os.Exit(1)
	}()
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "meetd:", errorText(err))
		if errors.Is(err, errUsage) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}
