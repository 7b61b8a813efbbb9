package server

import "strings"

// Graph's path segments are case-insensitive (/me/onlinemeetings works on
// Graph), while ServeMux patterns are exact. canonicalPath rewrites the
// segments meetd routes on to their documented casing; ids and other
// segments are left alone. It allocates only when something changes.
var canonicalSegments = []string{"v1.0", "beta", "me", "users", "onlineMeetings", "createOrGet", "communications"}

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
