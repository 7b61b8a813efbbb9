package postgres

import (
	"slices"
	"testing"
	"time"
)

// TestBatchContext checks that a batch is bounded by its earliest call's
// deadline, and that calls past theirs are answered, not sent.
func TestBatchContext(t *testing.T) {
	type call struct {
		deadline time.Time
		expired  bool
	}
	now := time.Now()
	calls := []*call{
		{deadline: now.Add(3 * time.Second)},
		{deadline: now.Add(-time.Millisecond)}, // queued behind a batch that hung
		{deadline: now.Add(time.Second)},
		{deadline: now.Add(2 * time.Second)},
	}
	late := calls[1]
	ctx, cancel, live := batchContext(slices.Clone(calls), func(c *call) time.Time { return c.deadline }, func(c *call) { c.expired = true })
	defer cancel()
	if !late.expired || !slices.Equal(live, []*call{calls[0], calls[2], calls[3]}) {
		t.Fatalf("got live %v, the late call expired %t; want it answered and the other three live", live, late.expired)
	}
	for _, c := range live {
		if c.expired {
			t.Errorf("a live call was answered as expired")
		}
	}
	if d, ok := ctx.Deadline(); !ok || !d.Equal(now.Add(time.Second)) {
		t.Errorf("batch deadline: got %v, %t; want the earliest live call's, %v", d, ok, now.Add(time.Second))
	}
}
