package configfile

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Decode decodes YAML text into v (a pointer to a struct) strictly: a key v
// does not have is an error naming its line and the closest known key
// ("line 2: unknown key "seed" (did you mean "seeds"?)"), an empty document
// is an error ("is empty" rather than the decoder's "EOF"), a number with a
// fraction for an integer field is an error naming the key and the value
// (the decoder would truncate 20.5 to 20; 1e2 is 100 and accepted), a value
// of the wrong kind says so in plain words ("`fast` is not a number", not
// the decoder's Go types), and so is a second document (the decoder reads
// the first only). name is used in errors.
func Decode(b []byte, name string, v any) error {
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return fmt.Errorf("config %s: %s", name, oneLine(err))
	}
	if len(doc.Content) == 0 {
		return fmt.Errorf("config %s is empty", name)
	}
	if err := checkNode(doc.Content[0], reflect.TypeOf(v), ""); err != nil {
		return fmt.Errorf("config %s: %w", name, err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("config %s: %s", name, oneLine(nameKeys(err, doc.Content[0])))
	}
	var next yaml.Node
	if err := dec.Decode(&next); !errors.Is(err, io.EOF) {
		return fmt.Errorf("config %s: a second YAML document (after ---, line %d) would be ignored: put the whole config in one document", name, next.Line)
	}
	return nil
}

// nameKeys adds the key to each of a type error's lines ("line 4: cannot
// unmarshal !!str `lots` into float64" becomes "line 4: noise: cannot
// ..."), so that the error names the key as well as the value; other
// errors pass unchanged.
func nameKeys(err error, root *yaml.Node) error {
	var te *yaml.TypeError
	if !errors.As(err, &te) {
		return err
	}
	keys := map[int]string{}
	var walk func(n *yaml.Node, path string)
	walk = func(n *yaml.Node, path string) {
		switch n.Kind {
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				p := n.Content[i].Value
				if path != "" {
					p = path + "." + p
				}
				keys[n.Content[i+1].Line] = p // a nested key on the same line wins
				walk(n.Content[i+1], p)
			}
		case yaml.SequenceNode:
			for i, c := range n.Content {
				walk(c, fmt.Sprintf("%s[%d]", path, i))
			}
		}
	}
	walk(root, "")
	msgs := make([]string, len(te.Errors))
	for i, m := range te.Errors {
		msgs[i] = plainType(m)
		var line int
		if _, err := fmt.Sscanf(m, "line %d:", &line); err == nil {
			if k, ok := keys[line]; ok {
				msgs[i] = strings.Replace(msgs[i], ":", ": "+k+":", 1)
			}
		}
	}
	return errors.New(strings.Join(msgs, "; "))
}

// typeError matches the decoder's "cannot unmarshal !!str `fast` into
// float64" (the value is absent for a list or a mapping).
var typeError = regexp.MustCompile("cannot unmarshal !!(\\w+)(?: `(.*)`)? into (.+)$")

// plainType rewrites a decoder type error in words: the value given and
// the kind of value wanted instead of YAML tags and Go types.
func plainType(m string) string {
	sm := typeError.FindStringSubmatchIndex(m)
	if sm == nil {
		return m
	}
	tag, into := m[sm[2]:sm[3]], m[sm[6]:sm[7]]
	want := "a value of another kind"
	switch {
	case strings.HasPrefix(into, "float"):
		want = "a number"
	case strings.HasPrefix(into, "uint"):
		want = "a whole number >= 0 (digits)"
	case strings.HasPrefix(into, "int"):
		want = "a whole number (digits)"
	case into == "bool":
		want = "true or false"
	case into == "string":
		want = "text"
	case strings.HasPrefix(into, "[]") || strings.HasPrefix(into, "["):
		want = "a list ([a, b] or - lines)"
	case strings.HasPrefix(into, "map[") || strings.HasPrefix(into, "struct") || strings.Contains(into, "."):
		want = "a mapping (key: value lines)"
	}
	var got string
	switch {
	case sm[4] >= 0:
		got = strconv.Quote(m[sm[4]:sm[5]])
	case tag == "seq":
		got = "a list"
	case tag == "map":
		got = "a mapping"
	default:
		got = "the value"
	}
	return m[:sm[0]] + got + " is not " + want
}

// oneLine joins a multi-line decoder error into one line.
func oneLine(err error) string { return strings.ReplaceAll(err.Error(), "\n", "; ") }

// checkNode walks a mapping node along struct type t and reports a key
// the struct does not have (with its line and the closest known key) and a
// non-integer scalar given for an integer field, naming the key path.
func checkNode(n *yaml.Node, t reflect.Type, path string) error {
	for t != nil && (t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Array) {
		if t.Kind() != reflect.Pointer && n.Kind == yaml.SequenceNode {
			for i, c := range n.Content {
				if err := checkNode(c, t.Elem(), fmt.Sprintf("%s[%d]", path, i)); err != nil {
					return err
				}
			}
			return nil
		}
		t = t.Elem()
	}
	if t == nil {
		return nil
	}
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!float" {
			v, err := strconv.ParseFloat(n.Value, 64)
			if err != nil || v != math.Trunc(v) || math.Abs(v) > 1<<53 {
				return fmt.Errorf("%s: %s is not a whole number", path, n.Value)
			}
		}
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			return nil
		}
		fields := yamlFields(t)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i].Value
			p := k
			if path != "" {
				p = path + "." + k
			}
			ft, ok := fields[k]
			if !ok {
				return unknownKey(n.Content[i].Line, p, k, fields)
			}
			if err := checkNode(n.Content[i+1], ft, p); err != nil {
				return err
			}
		}
	}
	return nil
}

// unknownKey returns the error for key k (at path p, on line) that is not
// among fields, suggesting the closest known key when one is near.
func unknownKey(line int, p, k string, fields map[string]reflect.Type) error {
	best, dist := "", 3 // suggest within two edits
	names := make([]string, 0, len(fields))
	for f := range fields {
		names = append(names, f)
	}
	sort.Strings(names)
	for _, f := range names {
		if d := editDistance(strings.ToLower(k), f); d < dist {
			best, dist = f, d
		}
	}
	if best != "" {
		return fmt.Errorf("line %d: unknown key %q (did you mean %q?)", line, p, best)
	}
	return fmt.Errorf("line %d: unknown key %q (known here: %s)", line, p, strings.Join(names, ", "))
}

// editDistance returns the Levenshtein distance between a and b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// yamlFields maps the YAML keys of struct type t (inline fields included)
// to their types.
func yamlFields(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("yaml")
		name, opts, _ := strings.Cut(tag, ",")
		if name == "-" {
			continue
		}
		ft := f.Type
		if strings.Contains(opts, "inline") {
			for ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			for k, v := range yamlFields(ft) {
				out[k] = v
			}
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		out[name] = ft
	}
	return out
}
