package server

import (
	"net/http"
	"sync/atomic"
	"testing"
)

// Past the batch's answer budget a read's answer is dropped (it becomes a
// 413 the client can ask again), but a write's is kept: what it did has
// happened, and a client that got no answer might do it again.
func TestBatchRecorderKeepsWrites(t *testing.T) {
	for _, c := range []struct {
		mayDrop  bool
		wantKept bool
	}{{mayDrop: true, wantKept: false}, {mayDrop: false, wantKept: true}} {
		budget := new(atomic.Int64)
		budget.Store(maxBatchAnswerBytes) // the other answers took it all
		rec := &batchRecorder{h: http.Header{}, budget: budget, mayDrop: c.mayDrop}
		rec.WriteHeader(http.StatusCreated)
		if n, err := rec.Write([]byte(`{"id":"x"}`)); n != 10 || err != nil {
			t.Fatalf("Write: got %d, %v", n, err)
		}
		if kept := rec.body.Len() == 10 && !rec.over; kept != c.wantKept {
			t.Errorf("mayDrop %t, budget spent: answer kept %t, want %t", c.mayDrop, kept, c.wantKept)
		}
	}
}
