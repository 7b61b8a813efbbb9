package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// meetdBin is the real meetd binary, built once from the parent module.
var meetdBin string

// tmpRoot holds the binary and the shared server's data; removed at exit.
var tmpRoot string

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

// run exists so deferred clean-up happens before os.Exit.
func run(m *testing.M) int {
	var err error
	tmpRoot, err = os.MkdirTemp("", "meetd-e2e")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(tmpRoot)
	meetdBin = filepath.Join(tmpRoot, "meetd")
	build := exec.Command("go", "build", "-o", meetdBin, "./cmd/meetd")
	build.Dir = ".." // the service's module, which must never import the SDK
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "e2e: build meetd: %v\n%s", err, out)
		return 1
	}
	defer stopShared()
	return m.Run()
}
