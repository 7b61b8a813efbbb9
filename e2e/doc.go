// Package e2e proves meetd's promise to app developers: code written against
// the official Microsoft Graph Go SDK (github.com/microsoftgraph/msgraph-sdk-go)
// works unchanged when pointed at meetd.
//
// It is a module of its own because the SDK takes minutes and gigabytes to
// compile; the service's module must never import it. The tests build the
// real meetd binary from the parent module, run `meetd serve` on a loopback
// port and mint tokens with `meetd token`. Run them with
//
//	cd e2e && go test -count=1 ./...
package e2e
