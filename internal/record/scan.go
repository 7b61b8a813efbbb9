package record

import (
	"strconv"
	"unicode/utf8"

	"github.com/meetd/meetd/internal/jsontext"
)

// The JSON scanner under Decode. It reads encoding/json's grammar, with its
// whitespace, escapes, nesting limit and string decoding (invalid UTF-8 and
// lone surrogates become U+FFFD), so that any document encoding/json reads
// into the stored shape reads here alike; differential_test.go holds it to
// that.

// maxDepth is encoding/json's nesting limit.
const maxDepth = 10000

// decoder reads one document from b; i is the next byte to read.
type decoder struct {
	b []byte
	i int
}

// SyntaxError is the error Decode returns for text that is not valid JSON
// or not of the stored shape.
type SyntaxError struct {
	Offset int // the byte of the input where reading stopped
	Msg    string
}

// Error says what was wrong and at which byte.
func (e *SyntaxError) Error() string {
	return "record: " + e.Msg + " at offset " + strconv.Itoa(e.Offset)
}

func (d *decoder) fail(msg string) error { return &SyntaxError{Offset: d.i, Msg: msg} }

func (d *decoder) space() {
	for d.i < len(d.b) {
		switch d.b[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return
		}
	}
}

// peek returns the next byte after whitespace, or 0 at the end.
func (d *decoder) peek() byte {
	d.space()
	if d.i < len(d.b) {
		return d.b[d.i]
	}
	return 0
}

// literal consumes lit (true, false or null), which must be next.
func (d *decoder) literal(lit string) error {
	if len(d.b)-d.i < len(lit) || string(d.b[d.i:d.i+len(lit)]) != lit {
		return d.fail("invalid literal")
	}
	d.i += len(lit)
	return nil
}

// null consumes a null if one is next, and reports whether it did.
func (d *decoder) null() (bool, error) {
	if d.peek() != 'n' {
		return false, nil
	}
	return true, d.literal("null")
}

// open consumes the opening bracket c ('{' or '['), which must be next, and
// reports whether the container is empty (its closer consumed too).
func (d *decoder) open(c byte) (empty bool, err error) {
	if d.peek() != c {
		return false, d.fail("wrong type of value")
	}
	d.i++
	closer := byte('}')
	if c == '[' {
		closer = ']'
	}
	if d.peek() == closer {
		d.i++
		return true, nil
	}
	return false, nil
}

// more consumes the ',' or the closer after a member or element, and
// reports whether another one follows.
func (d *decoder) more(closer byte) (bool, error) {
	switch d.peek() {
	case ',':
		d.i++
		return true, nil
	case closer:
		d.i++
		return false, nil
	}
	return false, d.fail("expected ',' or '" + string(closer) + "'")
}

// members reads the members of an object whose '{' has been read, calling
// member with each name and the decoder at its value; member must consume
// the value.
// object reads an object, calling member for each of its members (which
// must consume the value); null reads as no members, as encoding/json reads
// null into a struct.
func (d *decoder) object(member func(k []byte) error) error {
	if null, err := d.null(); null || err != nil {
		return err
	}
	empty, err := d.open('{')
	if err != nil || empty {
		return err
	}
	return d.members(member)
}

func (d *decoder) members(member func(k []byte) error) error {
	for {
		k, err := d.key()
		if err != nil {
			return err
		}
		if err := member(k); err != nil {
			return err
		}
		if more, err := d.more('}'); err != nil || !more {
			return err
		}
	}
}

// key consumes a member's name and its colon. The name is returned as it is
// in the input unless it holds escapes or non-ASCII bytes, which are decoded
// as encoding/json decodes them before it matches a field.
func (d *decoder) key() ([]byte, error) {
	if d.peek() != '"' {
		return nil, d.fail("expected a member name")
	}
	raw, plain, err := d.stringBytes()
	if err != nil {
		return nil, err
	}
	if !plain {
		raw = unquote(raw, nil)
	}
	if d.peek() != ':' {
		return nil, d.fail("expected ':'")
	}
	d.i++
	return raw, nil
}

// plainByte marks the bytes a string may hold as they are: printable
// ASCII other than '"' and '\\'.
var plainByte = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// stringBytes consumes the string at d.i (its opening quote) and returns its
// raw contents. plain reports contents that need no decoding: valid UTF-8
// without escapes.
func (d *decoder) stringBytes() (raw []byte, plain bool, err error) {
	b := d.b
	start := d.i + 1
	i := start
	for i < len(b) && plainByte[b[i]] {
		i++
	}
	if i < len(b) && b[i] == '"' {
		d.i = i + 1
		return b[start:i], true, nil
	}
	plain = true
	ascii := true
	for ; i < len(b); i++ {
		switch c := b[i]; {
		case c == '"':
			d.i = i + 1
			raw = b[start:i]
			if plain && !ascii {
				plain = utf8.Valid(raw)
			}
			return raw, plain, nil
		case c < 0x20:
			d.i = i
			return nil, false, d.fail("control character in string")
		case c >= utf8.RuneSelf:
			ascii = false
		case c == '\\':
			plain = false
			i++
			if i >= len(b) {
				break
			}
			switch b[i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if _, ok := jsontext.Hex4(b[i+1:]); !ok {
					d.i = i
					return nil, false, d.fail("invalid \\u escape")
				}
				i += 4
			default:
				d.i = i
				return nil, false, d.fail("invalid escape")
			}
		}
	}
	d.i = len(b)
	return nil, false, d.fail("unterminated string")
}

// unquote appends to dst the decoded contents of a JSON string the scanner
// has already checked.
func unquote(s, dst []byte) []byte {
	if dst == nil {
		dst = make([]byte, 0, len(s))
	}
	dst, _ = jsontext.AppendUnquote(dst, s)
	return dst
}

// skip consumes any JSON value, checking its syntax; depth is how many
// containers hold it.
func (d *decoder) skip(depth int) error {
	switch c := d.peek(); {
	case c == '"':
		_, _, err := d.stringBytes()
		return err
	case c == '{' || c == '[':
		if depth >= maxDepth {
			return d.fail("nested too deeply")
		}
		return d.skipContainer(c, depth+1)
	case c == 't':
		return d.literal("true")
	case c == 'f':
		return d.literal("false")
	case c == 'n':
		return d.literal("null")
	case c == '-' || '0' <= c && c <= '9':
		return d.skipNumber()
	case c == 0 && d.i >= len(d.b):
		return d.fail("unexpected end of input")
	}
	return d.fail("invalid character")
}

func (d *decoder) skipContainer(c byte, depth int) error {
	empty, err := d.open(c)
	if err != nil || empty {
		return err
	}
	closer := byte(']')
	if c == '{' {
		closer = '}'
	}
	for {
		if c == '{' {
			if _, err := d.key(); err != nil {
				return err
			}
		}
		if err := d.skip(depth); err != nil {
			return err
		}
		more, err := d.more(closer)
		if err != nil || !more {
			return err
		}
	}
}

// skipNumber consumes -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?.
func (d *decoder) skipNumber() error {
	i, ok := jsontext.SkipNumber(d.b, d.i)
	d.i = i
	if !ok {
		return d.fail("invalid number")
	}
	return nil
}
