package configfile

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Decode decodes YAML text into v (a pointer to a struct) strictly: a key v
// does not have is an error, an empty document is an error ("is empty"
// rather than the decoder's "EOF"), a number with a fraction for an
// integer field is an error naming the key and the value (the decoder
// would truncate 20.5 to 20), and so is a second document (the decoder
// reads the first only). name is used in errors.
func Decode(b []byte, name string, v any) error {
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return fmt.Errorf("config %s: %s", name, oneLine(err))
	}
	if len(doc.Content) == 0 {
		return fmt.Errorf("config %s is empty", name)
	}
	if err := checkInts(doc.Content[0], reflect.TypeOf(v), ""); err != nil {
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
		msgs[i] = m
		var line int
		if _, err := fmt.Sscanf(m, "line %d:", &line); err == nil {
			if k, ok := keys[line]; ok {
				msgs[i] = strings.Replace(m, ":", ": "+k+":", 1)
			}
		}
	}
	return fmt.Errorf("yaml: unmarshal errors: %s", strings.Join(msgs, "; "))
}

// oneLine joins a multi-line decoder error into one line.
func oneLine(err error) string { return strings.ReplaceAll(err.Error(), "\n", "; ") }

// checkInts walks a mapping node along struct type t and reports a
// non-integer scalar given for an integer field, naming the key path.
func checkInts(n *yaml.Node, t reflect.Type, path string) error {
	for t != nil && (t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Array) {
		if t.Kind() != reflect.Pointer && n.Kind == yaml.SequenceNode {
			for i, c := range n.Content {
				if err := checkInts(c, t.Elem(), fmt.Sprintf("%s[%d]", path, i)); err != nil {
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
			return fmt.Errorf("%s: %s is not a whole number", path, n.Value)
		}
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			return nil
		}
		fields := yamlFields(t)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i].Value
			if ft, ok := fields[k]; ok {
				p := k
				if path != "" {
					p = path + "." + k
				}
				if err := checkInts(n.Content[i+1], ft, p); err != nil {
					return err
				}
			}
		}
	}
	return nil
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
