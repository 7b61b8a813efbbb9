package record

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/meetd/meetd/internal/pgtest"
)

// jsonbOf returns PostgreSQL's text of doc stored as jsonb, read as the
// PostgreSQL store reads its data column: a jsonb scanned into []byte.
func jsonbOf(tb testing.TB, pool *pgxpool.Pool, doc []byte) []byte {
	tb.Helper()
	var out []byte
	if err := pool.QueryRow(tb.Context(), `SELECT $1::jsonb`, string(doc)).Scan(&out); err != nil {
		tb.Fatalf("%s as jsonb: %v", doc, err)
	}
	return out
}

// TestDecodeReadsARealJSONB runs the round trips through a real PostgreSQL's
// jsonb, in this package's text and in the PostgreSQL store's old one, and
// checks testdata/jsonb-*.json against the server's own text. It needs
// MEETD_TEST_POSTGRES (scripts/test.sh, or scripts/start-postgres.sh env).
func TestDecodeReadsARealJSONB(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	pool, err := pgxpool.New(ctx, pgtest.DSN(t))
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()

	for _, name := range []string{"full", "empty"} {
		got := jsonbOf(t, pool, readFile(t, "testdata/"+name+".json"))
		if want := readFile(t, "testdata/jsonb-"+name+".json"); string(got) != string(want) {
			t.Errorf("PostgreSQL's text of testdata/%s.json:\ngot  %s\nwant %s (testdata/jsonb-%[1]s.json)", name, got, want)
		}
	}

	for _, tc := range roundTrips {
		t.Run(tc.name, func(t *testing.T) {
			m := fullMeeting()
			tc.change(m)
			// jsonb cannot hold U+0000; the store refuses it before.
			m.Subject = strings.ReplaceAll(m.Subject, "\x00", "")
			want := dataOf(m)
			if tc.want != nil {
				tc.want(want)
			}
			b, err := Encode(m)
			if err != nil {
				t.Fatal(err)
			}
			wantMeeting(t, "Decode of Encode's text as jsonb", dataOf(decoded(t, jsonbOf(t, pool, b))), want)
			if m.Start.UTC().Year() < 1 {
				return // the PostgreSQL store refused times before the year 1
			}
			if b, err = encodeLegacyPostgres(m); err != nil {
				t.Fatal(err)
			}
			withoutLaterSettings(want)
			wantMeeting(t, "Decode of the PostgreSQL store's old text as jsonb", dataOf(decoded(t, jsonbOf(t, pool, b))), want)
		})
	}
}
