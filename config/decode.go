package config

import (
	"errors"
	"fmt"
	"reflect"
	"strings"

	"go.yaml.in/yaml/v3"
)

// decode reads a YAML file into c, over the defaults already in it. It
// walks the document itself instead of letting the YAML library decode
// it, so that it can report every problem at once rather than stop at the
// first, each under its key path and line: an unknown key with the known
// key nearest to it ("stories.dri: unknown key; did you mean
// stories.dir?"), a value of the wrong type ("limits.per_user: "lots" is
// not a rate like 10/1m").
func (c *Config) decode(data []byte) []error {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return []error{err} // a syntax error: nothing after it can be read
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return nil // an empty file is an empty config
	}
	var errs []error
	decodeValue(reflect.ValueOf(c).Elem(), doc.Content[0], "", &errs)
	return errs
}

var unmarshalerType = reflect.TypeFor[yaml.Unmarshaler]()

// decodeValue decodes n into v, which is at key path in the file.
func decodeValue(v reflect.Value, n *yaml.Node, path string, errs *[]error) {
	for n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	bad := func(format string, args ...any) {
		*errs = append(*errs, &FieldError{Key: path, Msg: fmt.Sprintf(format, args...), Line: n.Line})
	}
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" {
		switch v.Kind() {
		case reflect.Pointer, reflect.Map, reflect.Slice, reflect.Interface:
			v.SetZero()
		}
		return // an empty value keeps the default
	}
	if reflect.PointerTo(v.Type()).Implements(unmarshalerType) {
		if err := n.Decode(v.Addr().Interface()); err != nil {
			bad("%s", typeErrorText(err))
		}
		return
	}
	switch v.Kind() {
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			bad("%s: want keys under it (%s)", describe(n), strings.Join(yamlKeys(v.Type()), ", "))
			return
		}
		decodeStruct(v, n, path, errs)
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			bad("%s: want a list", describe(n))
			return
		}
		s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
		for i, item := range n.Content {
			decodeValue(s.Index(i), item, fmt.Sprintf("%s[%d]", path, i), errs)
		}
		v.Set(s)
	case reflect.Map:
		if n.Kind != yaml.MappingNode {
			bad("%s: want keys under it", describe(n))
			return
		}
		if v.IsNil() {
			v.Set(reflect.MakeMap(v.Type()))
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			key := n.Content[i].Value
			elem := reflect.New(v.Type().Elem()).Elem()
			decodeValue(elem, n.Content[i+1], path+"."+key, errs)
			v.SetMapIndex(reflect.ValueOf(key), elem)
		}
	case reflect.Pointer:
		elem := reflect.New(v.Type().Elem())
		before := len(*errs)
		decodeValue(elem.Elem(), n, path, errs)
		if len(*errs) == before {
			v.Set(elem)
		}
	default:
		if n.Kind != yaml.ScalarNode {
			bad("%s: want %s", describe(n), kindName(v.Kind()))
			return
		}
		if err := n.Decode(v.Addr().Interface()); err != nil {
			bad("%q is not %s", n.Value, kindName(v.Kind()))
		}
	}
}

// decodeStruct decodes the keys of mapping n into the fields of struct v.
func decodeStruct(v reflect.Value, n *yaml.Node, path string, errs *[]error) {
	known := yamlKeys(v.Type())
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		if k.Value == "<<" { // a merge key: its mapping's keys are ours
			for val.Kind == yaml.AliasNode {
				val = val.Alias
			}
			merged := []*yaml.Node{val}
			if val.Kind == yaml.SequenceNode {
				merged = val.Content
			}
			for _, m := range merged {
				for m.Kind == yaml.AliasNode {
					m = m.Alias
				}
				if m.Kind == yaml.MappingNode {
					decodeStruct(v, m, path, errs)
				}
			}
			continue
		}
		key := join(path, k.Value)
		f, ok := fieldByKey(v, k.Value)
		if !ok {
			*errs = append(*errs, &FieldError{Key: key, Msg: unknownKey(path, k.Value, known), Line: k.Line})
			continue
		}
		decodeValue(f, val, key, errs)
	}
}

// unknownKey says that key is not one of known, naming the known key it
// most likely misspells, or else listing them.
func unknownKey(path, key string, known []string) string {
	best, bestDist := "", 3
	for _, k := range known {
		d := editDistance(strings.ToLower(key), k)
		if d < bestDist && d < len(key) {
			best, bestDist = k, d
		}
	}
	if best == "" {
		for _, k := range known {
			if len(key) >= 3 && (strings.HasPrefix(k, strings.ToLower(key)) || strings.HasPrefix(strings.ToLower(key), k)) {
				best = k
				break
			}
		}
	}
	if best != "" {
		return "unknown key; did you mean " + join(path, best) + "?"
	}
	where := "the top level"
	if path != "" {
		where = path
	}
	return "unknown key (" + where + " takes " + strings.Join(known, ", ") + ")"
}

// editDistance is the optimal-string-alignment distance between a and b:
// insertions, deletions, substitutions and swaps of neighbours each cost 1,
// so "dri" is one edit from "dir".
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	d := make([][]int, len(ra)+1)
	for i := range d {
		d[i] = make([]int, len(rb)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(ra)][len(rb)]
}

// yamlKeys lists the keys a struct type takes, in field order.
func yamlKeys(t reflect.Type) []string {
	var keys []string
	for i := range t.NumField() {
		if name := yamlName(t.Field(i)); name != "" {
			keys = append(keys, name)
		}
	}
	return keys
}

// fieldByKey finds the field of struct v that key names.
func fieldByKey(v reflect.Value, key string) (reflect.Value, bool) {
	for i := range v.NumField() {
		if yamlName(v.Type().Field(i)) == key {
			return v.Field(i), true
		}
	}
	return reflect.Value{}, false
}

// yamlName is the key a struct field is written as, or "" for none.
func yamlName(f reflect.StructField) string {
	if !f.IsExported() {
		return ""
	}
	name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
	if name == "-" {
		return ""
	}
	return name
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// describe names what a node holds, for errors: `"lots"`, "a list",
// "keys".
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "keys"
	case yaml.SequenceNode:
		return "a list"
	}
	return fmt.Sprintf("%q", n.Value)
}

// kindName is what a value of kind k must be, in words.
func kindName(k reflect.Kind) string {
	switch k {
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.String:
		return "a single value"
	}
	return "a " + k.String()
}

// typeErrorText is the message of a YAML type error without the YAML
// library's own wording around it.
func typeErrorText(err error) string {
	var te *yaml.TypeError
	if errors.As(err, &te) && len(te.Errors) > 0 {
		return strings.Join(te.Errors, "; ")
	}
	return err.Error()
}
