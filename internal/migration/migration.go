// Package migration reads a store's numbered schema changes: the files
// NNN_what.sql of a folder in an embedded file system, in version order.
// Applying them is the store's own business (a transaction, a lock, a
// table of applied versions in its SQL dialect).
package migration

import (
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"
)

// File is one schema change.
type File struct {
	Version int    // NNN
	Name    string // NNN_what.sql
	SQL     string
}

// Load returns the *.sql files in dir of fsys, by version. A name that does
// not start with a positive number and "_", or two files with one number,
// is an error: a release must never apply changes in a guessed order.
func Load(fsys fs.FS, dir string) ([]File, error) {
	paths, err := fs.Glob(fsys, path.Join(dir, "*.sql"))
	if err != nil {
		return nil, err
	}
	var files []File
	for _, p := range paths {
		name := path.Base(p)
		num, _, ok := strings.Cut(name, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("migration %s: name must be NNN_what.sql, NNN a positive number", name)
		}
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return nil, err
		}
		files = append(files, File{Version: v, Name: name, SQL: string(b)})
	}
	slices.SortFunc(files, func(a, b File) int { return a.Version - b.Version })
	for i := 1; i < len(files); i++ {
		if files[i].Version == files[i-1].Version {
			return nil, fmt.Errorf("migrations %s and %s share a version", files[i-1].Name, files[i].Name)
		}
	}
	return files, nil
}
