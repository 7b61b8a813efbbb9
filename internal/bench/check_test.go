package bench

import (
	"errors"
	"testing"
)

func TestTopLevelID(t *testing.T) {
	for _, c := range []struct {
		name, body, want string
		ok               bool
	}{
		{"first", `{"id":"abc","x":1}`, "abc", true},
		{"after nested ids", `{"participants":{"organizer":{"identity":{"user":{"id":"nested"}}}},"list":[{"id":"inarray"}],"id":"top"}`, "top", true},
		{"after a nested id past a comma", `{"participants":{"attendees":[{"upn":"a","identity":{"user":{"displayName":"A","id":"nested"}}}]},"id":"top"}`, "top", true},
		{"spaces", "{ \"a\" : \"id\" ,\n \"id\" : \"x=\" }", "x=", true},
		{"value named id", `{"subject":"id","id":"real"}`, "real", true},
		{"escapes in strings", `{"s":"a\"id\":\"no","id":"yes"}`, "yes", true},
		{"escaped id kept raw", `{"id":"a\u003db"}`, `a\u003db`, true},
		{"none", `{"participants":{"id":"nested"}}`, "", false},
		{"not a string", `{"id":42}`, "", false},
		{"not an object", `["id","x"]`, "", false},
		{"empty", ``, "", false},
		{"cut short", `{"id":"abc`, "", false},
	} {
		got, ok := topLevelID([]byte(c.body))
		if string(got) != c.want || ok != c.ok {
			t.Errorf("%s: got %q, %t; want %q, %t", c.name, got, ok, c.want, c.ok)
		}
	}
}

func TestCheck(t *testing.T) {
	body := []byte(`{"id":"m1"}`)
	for _, c := range []struct {
		name string
		a    answer
		e    expectation
		want string
	}{
		{"create", answer{status: 201, body: body}, expectation{status: 201}, ""},
		{"hit", answer{status: 200, body: body}, expectation{status: 200, id: []byte("m1")}, ""},
		{"hit with another id", answer{status: 200, body: body}, expectation{status: 200, id: []byte("m2")}, ErrWrongID},
		{"create answered as hit", answer{status: 200, body: body}, expectation{status: 201}, ErrStatus},
		{"hit answered as create", answer{status: 201, body: body}, expectation{status: 200, id: []byte("m1")}, ErrStatus},
		{"no id", answer{status: 201, body: []byte(`{}`)}, expectation{status: 201}, ErrNoID},
		{"server error", answer{status: 500, body: body}, expectation{status: 201}, ErrStatus},
		{"no answer", answer{err: errors.New("connection refused")}, expectation{status: 201}, ErrTransport},
		{"unverified 2xx", answer{status: 201, body: []byte(`x`)}, expectation{}, ""},
		{"unverified 4xx", answer{status: 400, body: body}, expectation{}, ErrStatus},
		{"unverified 3xx", answer{status: 302, body: body}, expectation{}, ErrStatus},
	} {
		if got, msg := check(c.a, c.e); got != c.want {
			t.Errorf("%s: got %q (%s), want %q", c.name, got, msg, c.want)
		}
	}
}
