package postgres_test

import (
	"context"
	"os/exec"
	"testing"
	"time"

	"github.com/meetd/meetd"
	"github.com/meetd/meetd/internal/pgtest"
	"github.com/meetd/meetd/internal/postgres"
	"github.com/meetd/meetd/internal/storetest"
)

// A database that lost its last commits (a failover to an asynchronous
// standby, a restore from a backup) gives the next update the change
// counter, version and perhaps xmin of a lost one. A replica that had read
// the lost version must not keep serving it from its read cache after an
// update acknowledged since (it did, for as long as the slot's counter held
// still). The failover is a copy of the data folder taken before the lost
// update and put back.
func TestReadCacheAfterLostCommits(t *testing.T) {
	srv := pgtest.NewServer(t)
	dsn := srv.NewDatabase(t)
	a := openClosed(t, dsn, postgres.Options{Timeout: 2 * time.Second})
	b := openClosed(t, dsn, postgres.Options{Timeout: 2 * time.Second})
	dataDir := queryStrings(t, dsn, "SHOW data_directory")[0]
	tenant, org := storetest.NewObjectID(), storetest.NewObjectID()
	m := storetest.NewMeeting(t, tenant, org, "failover")
	m.Subject = "v1"
	if _, _, err := a.CreateOrGetMeeting(t.Context(), m); err != nil {
		t.Fatal(err)
	}
	// The standby has everything up to here.
	srv.Stop(t)
	if out, err := exec.Command("cp", "-a", dataDir, dataDir+".standby").CombinedOutput(); err != nil {
		t.Fatalf("%v %s", err, out)
	}
	srv.Start(t)
	byKey := func(s *postgres.Store) *meetd.Meeting {
		t.Helper()
		deadline := time.Now().Add(20 * time.Second)
		for {
			got, err := s.MeetingByKey(t.Context(), m.Key())
			if err == nil {
				return got
			}
			if time.Now().After(deadline) {
				t.Fatal(err)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	update := func(s *postgres.Store, subject string) {
		t.Helper()
		deadline := time.Now().Add(20 * time.Second)
		for {
			cur := byKey(b)
			next := cur.Clone()
			next.Version++
			next.Subject = subject
			err := s.UpdateMeeting(context.Background(), next)
			if err == nil {
				return
			}
			if time.Now().After(deadline) {
				t.Fatal(err)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	update(b, "v2 lost in the failover")
	if got := byKey(a); got.Subject != "v2 lost in the failover" {
		t.Fatalf("before failover: %q", got.Subject)
	}
	// Failover to the standby: the last commit (v2) is lost, as with an
	// asynchronous standby.
	srv.Stop(t)
	if out, err := exec.Command("sh", "-c", "rm -rf '"+dataDir+"' && mv '"+dataDir+".standby' '"+dataDir+"'").CombinedOutput(); err != nil {
		t.Fatalf("%v %s", err, out)
	}
	srv.Start(t)
	if got := byKey(b); got.Subject != "v1" {
		t.Fatalf("after failover, b: %q, want v1", got.Subject)
	}
	// An acknowledged write after the failover.
	update(b, "v2 after the failover")
	if got := byKey(b); got.Subject != "v2 after the failover" {
		t.Fatalf("b: %q", got.Subject)
	}
	if got := byKey(a); got.Subject != "v2 after the failover" {
		t.Fatalf("replica a reads %q (version %d) after an acknowledged update to %q", got.Subject, got.Version, "v2 after the failover")
	}
}
