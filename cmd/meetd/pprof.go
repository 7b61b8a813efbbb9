package main

import (
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"time"
)

// servePprof serves Go's profiles on their own listener, never on the API's:
// profiles reveal internals and must not be reachable by API callers.
//
// /debug/pprof/cmdline is left out: it shows the command line, and with it
// a --db postgres://user:password@… given as a flag. A listener on another
// address than loopback is logged as a warning: anyone who reaches it can
// profile the process and read its goroutines' stacks.
func servePprof(addr string, log *slog.Logger) (stop func(), err error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", http.NotFound)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	// No write timeout: a CPU profile or a trace takes as long as its
	// ?seconds= asks.
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute}
	go func() { _ = srv.Serve(ln) }()
	if a, ok := ln.Addr().(*net.TCPAddr); ok && !a.IP.IsLoopback() {
		log.Warn("pprof listening on a non-loopback address: anyone who can reach it can profile meetd", "addr", ln.Addr().String())
	} else {
		log.Info("pprof listening", "addr", ln.Addr().String())
	}
	return func() { srv.Close() }, nil
}
