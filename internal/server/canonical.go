package server

import (
	"path"
	"strings"
)

// Graph's path segments are case-insensitive (/me/onlinemeetings works on
// Graph), while ServeMux patterns are exact. canonicalPath rewrites the
// segments meetd routes on to their documented casing; ids and other
// segments are left alone. It allocates only when something changes.
var canonicalSegments = []string{"v1.0", "beta", "me", "users", "onlineMeetings", "createOrGet", "communications", "$batch"}

func canonicalPath(p string) string {
	var b []byte
	start := 1
	for start < len(p) {
		end := strings.IndexByte(p[start:], '/')
		if end < 0 {
			end = len(p)
		} else {
			end += start
		}
		seg := p[start:end]
		for _, c := range canonicalSegments {
			if len(seg) == len(c) && seg != c && strings.EqualFold(seg, c) {
				if b == nil {
					b = []byte(p)
				}
				copy(b[start:end], c)
				break
			}
		}
		start = end + 1
	}
	if b == nil {
		return p
	}
	return string(b)
}

// redirectedAPIPath reports an API path that ServeMux would redirect rather
// than route: a service root without its slash (/v1.0), or one with empty,
// "." or ".." segments (/v1.0//me/onlineMeetings).
func redirectedAPIPath(p string) bool {
	for _, v := range versions {
		if len(p) > len(v) && p[0] == '/' && p[1:len(v)+1] == v {
			if len(p) == len(v)+1 {
				return true
			}
			if p[len(v)+1] == '/' {
				return cleanPath(p) != p
			}
		}
	}
	return false
}

// cleanPath is ServeMux's: path.Clean, keeping a trailing slash.
func cleanPath(p string) string {
	np := path.Clean(p)
	if p[len(p)-1] == '/' && np != "/" {
		np += "/"
	}
	return np
}
