// Package errf formats the core's error messages without package fmt:
// on js/wasm fmt pulls in os, syscall and syscall/js, and core must stay
// free of them. It understands the verbs the core uses: %d, %g, %v, %s, %q
// and %w (one wrapped error, as fmt.Errorf), with fmt's output for the
// operand types the core passes (integers, float64, string, bool, error,
// fmt-style Stringers and []int).
package errf

import (
	"strconv"
	"strings"
)

// Sprintf formats like fmt.Sprintf for the supported verbs and operands.
func Sprintf(format string, a ...any) string {
	s, _ := format1(format, a)
	return s
}

// Errorf formats like fmt.Errorf; a %w operand is wrapped (errors.Is and
// errors.As see it).
func Errorf(format string, a ...any) error {
	s, w := format1(format, a)
	if w != nil {
		return &wrapped{msg: s, err: w}
	}
	return &plain{msg: s}
}

type plain struct{ msg string }

func (e *plain) Error() string { return e.msg }

type wrapped struct {
	msg string
	err error
}

func (e *wrapped) Error() string { return e.msg }
func (e *wrapped) Unwrap() error { return e.err }

func format1(format string, a []any) (string, error) {
	var b strings.Builder
	var w error
	n := 0
	for i := 0; i < len(format); i++ {
		c := format[i]
		if c != '%' || i+1 == len(format) {
			b.WriteByte(c)
			continue
		}
		i++
		verb := format[i]
		if verb == '%' {
			b.WriteByte('%')
			continue
		}
		if n >= len(a) {
			b.WriteString("%!" + string(verb) + "(MISSING)")
			continue
		}
		arg := a[n]
		n++
		if verb == 'w' {
			if e, ok := arg.(error); ok {
				w = e
			}
		}
		b.WriteString(operand(verb, arg))
	}
	return b.String(), w
}

func operand(verb byte, arg any) string {
	switch v := arg.(type) {
	case string:
		if verb == 'q' {
			return strconv.Quote(v)
		}
		return v
	case int:
		return strconv.Itoa(v)
	case uint64:
		return strconv.FormatUint(v, 10)
	case float64:
		return strconv.FormatFloat(v, 'g', -1, 64)
	case bool:
		return strconv.FormatBool(v)
	case error:
		return v.Error()
	case interface{ String() string }:
		return v.String()
	case []int:
		parts := make([]string, len(v))
		for i, x := range v {
			parts[i] = strconv.Itoa(x)
		}
		return "[" + strings.Join(parts, " ") + "]"
	}
	return "%!" + string(verb) + "(unsupported)"
}
