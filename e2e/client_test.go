package e2e

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	khttp "github.com/microsoft/kiota-http-go"
	msgraphsdk "github.com/microsoftgraph/msgraph-sdk-go"
	msgraphcore "github.com/microsoftgraph/msgraph-sdk-go-core"
	msgraphauth "github.com/microsoftgraph/msgraph-sdk-go-core/authentication"
	"github.com/microsoftgraph/msgraph-sdk-go/models/odataerrors"
)

// staticToken is the README's credential: an azcore.TokenCredential that
// hands the SDK a token minted by `meetd token`.
type staticToken string

func (t staticToken) GetToken(context.Context, policy.TokenRequestOptions) (azcore.AccessToken, error) {
	return azcore.AccessToken{Token: string(t), ExpiresOn: time.Now().Add(time.Hour)}, nil
}

// countingToken is a staticToken that counts how often the SDK asks for it.
type countingToken struct {
	staticToken
	calls atomic.Int32
}

func (c *countingToken) GetToken(ctx context.Context, o policy.TokenRequestOptions) (azcore.AccessToken, error) {
	c.calls.Add(1)
	return c.staticToken.GetToken(ctx, o)
}

// connect is the README's recipe, unchanged: an app's own Graph client,
// pointed at meetd.
func connect(tb testing.TB, s *server, token string) *msgraphsdk.GraphServiceClient {
	tb.Helper()
	client, err := msgraphsdk.NewGraphServiceClientWithCredentialsAndHosts(staticToken(token), nil, []string{"127.0.0.1"})
	if err != nil {
		tb.Fatal(err)
	}
	client.GetAdapter().SetBaseUrl(s.URL + "/v1.0")
	return client
}

// connectObserved is connect plus one middleware, added the way the SDK's
// docs add custom middleware, that records every exchange on the wire: the
// SDK hides status codes (201 vs 200) from its callers.
func connectObserved(tb testing.TB, s *server, token string) (*msgraphsdk.GraphServiceClient, *recorder) {
	tb.Helper()
	auth, err := msgraphauth.NewAzureIdentityAuthenticationProviderWithScopesAndValidHosts(
		staticToken(token), []string{"https://graph.microsoft.com/.default"}, []string{"127.0.0.1"})
	if err != nil {
		tb.Fatal(err)
	}
	rec := &recorder{}
	opts := msgraphsdk.GetDefaultClientOptions()
	mws := append(msgraphcore.GetDefaultMiddlewaresWithOptions(&opts), rec)
	adapter, err := msgraphsdk.NewGraphRequestAdapterWithParseNodeFactoryAndSerializationWriterFactoryAndHttpClient(
		auth, nil, nil, msgraphcore.GetDefaultClient(&opts, mws...))
	if err != nil {
		tb.Fatal(err)
	}
	adapter.SetBaseUrl(s.URL + "/v1.0")
	return msgraphsdk.NewGraphServiceClient(adapter), rec
}

// exchange is one request and response as they crossed the wire.
type exchange struct {
	Method, URL     string
	Authorized      bool   // an Authorization header was sent
	ContentEncoding string // of the request body
	Status          int
	Body            string // of the response
}

func (x exchange) String() string {
	return fmt.Sprintf("%s %s → %d %s", x.Method, x.URL, x.Status, x.Body)
}

// recorder is a kiota middleware; last in the chain, so it sees what the
// transport sends: after /me rewriting, compression and each retry.
type recorder struct {
	mu  sync.Mutex
	log []exchange
}

var _ khttp.Middleware = (*recorder)(nil)

func (r *recorder) Intercept(p khttp.Pipeline, i int, req *http.Request) (*http.Response, error) {
	res, err := p.Next(req, i)
	if err != nil {
		return res, err
	}
	body, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil {
		return nil, err
	}
	res.Body = io.NopCloser(bytes.NewReader(body))
	r.mu.Lock()
	defer r.mu.Unlock()
	r.log = append(r.log, exchange{
		Method: req.Method, URL: req.URL.RequestURI(), Authorized: req.Header.Get("Authorization") != "",
		ContentEncoding: req.Header.Get("Content-Encoding"), Status: res.StatusCode, Body: string(body),
	})
	return res, nil
}

// last returns the most recent exchange.
func (r *recorder) last(tb testing.TB) exchange {
	tb.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.log) == 0 {
		tb.Fatal("no request reached the wire")
	}
	return r.log[len(r.log)-1]
}

// errorText calls err.Error() and reports a panic instead of dying of it:
// the SDK's ODataError.Error() panics on an error body without a message.
func errorText(err error) (text string, panicked any) {
	defer func() { panicked = recover() }()
	return err.Error(), nil
}

// describe says what an unexpected error was, HTTP detail included.
func describe(err error) string {
	var oe *odataerrors.ODataError
	if errors.As(err, &oe) {
		code, msg := graphCode(oe)
		return fmt.Sprintf("ODataError status %d code %q message %q", oe.ResponseStatusCode, code, msg)
	}
	text, p := errorText(err)
	if p != nil {
		return fmt.Sprintf("%T whose Error() panics: %v", err, p)
	}
	return fmt.Sprintf("%T: %s", err, text)
}

// graphCode returns the error envelope's code and message, "" when absent.
func graphCode(oe *odataerrors.ODataError) (code, message string) {
	e := oe.GetErrorEscaped()
	if e == nil {
		return "", ""
	}
	if c := e.GetCode(); c != nil {
		code = *c
	}
	if m := e.GetMessage(); m != nil {
		message = *m
	}
	return code, message
}

// wantGraphError checks that err is the SDK's *odataerrors.ODataError with
// the status, code and (when not "") message, and that Error() is safe.
func wantGraphError(tb testing.TB, err error, status int, code, message string) *odataerrors.ODataError {
	tb.Helper()
	if err == nil {
		tb.Fatalf("error: got nil, want ODataError %d %s", status, code)
	}
	var oe *odataerrors.ODataError
	if !errors.As(err, &oe) {
		tb.Fatalf("error: got %s, want *odataerrors.ODataError %d %s", describe(err), status, code)
	}
	gotCode, gotMsg := graphCode(oe)
	if oe.ResponseStatusCode != status || gotCode != code {
		tb.Errorf("error: got %d %q (%q), want %d %q", oe.ResponseStatusCode, gotCode, gotMsg, status, code)
	}
	if message != "" && gotMsg != message {
		tb.Errorf("error message: got %q, want %q", gotMsg, message)
	}
	if text, p := errorText(err); p != nil {
		tb.Errorf("err.Error() panicked: %v", p)
	} else if text != gotMsg {
		tb.Errorf("err.Error(): got %q, want the message %q", text, gotMsg)
	}
	return oe
}

// must fails the test with the HTTP detail of an unexpected error.
func must(tb testing.TB, what string, err error) {
	tb.Helper()
	if err != nil {
		tb.Fatalf("%s: %s", what, describe(err))
	}
}
