package admin

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"math"
	"mime"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// yamlTypes are the content types under which POST /__zcrm/seed reads a YAML fixture.
var yamlTypes = []string{"application/yaml", "text/yaml", "application/x-yaml", "text/x-yaml"}

// isYAMLType reports whether a Content-Type header names YAML.
func isYAMLType(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return false
	}
	for _, t := range yamlTypes {
		if mt == t {
			return true
		}
	}
	return false
}

// maxYAMLValues bounds the values a YAML fixture expands to (aliases repeat what they name).
const maxYAMLValues = 1_000_000

// FixtureFromYAML turns a YAML fixture into the JSON document Seed takes, keys in document order, so
// that its errors name the same JSON paths. Scalars keep YAML's types (an unquoted 3 is a number,
// true a boolean, ~ or null null) except timestamps, which stay the text written (2024-05-01 is the
// date string a Date field takes). Aliases are followed; merge keys (<<), tags other than YAML's
// own, and a second document are refused. Every problem is a *FixtureError.
func FixtureFromYAML(doc []byte) ([]byte, error) {
	dec := yaml.NewDecoder(bytes.NewReader(doc))
	var root yaml.Node
	if err := dec.Decode(&root); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, fixtureErr("$", "a fixture must be a JSON object")
		}
		return nil, fixtureErr("$", "malformed YAML: %s", strings.TrimPrefix(err.Error(), "yaml: "))
	}
	var more yaml.Node
	if err := dec.Decode(&more); !errors.Is(err, io.EOF) {
		return nil, fixtureErr("$", "a fixture is one YAML document")
	}
	w := &yamlWriter{}
	if err := w.write(&root, "$"); err != nil {
		return nil, err
	}
	return w.buf.Bytes(), nil
}

type yamlWriter struct {
	buf    bytes.Buffer
	values int
}

// write writes n, at JSON path path, as JSON.
func (w *yamlWriter) write(n *yaml.Node, path string) error {
	if w.values++; w.values > maxYAMLValues {
		return fixtureErr(path, "the YAML expands to more than %d values", maxYAMLValues)
	}
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			w.buf.WriteString("null")
			return nil
		}
		return w.write(n.Content[0], path)
	case yaml.AliasNode:
		return w.write(n.Alias, path)
	case yaml.SequenceNode:
		w.buf.WriteByte('[')
		for i, c := range n.Content {
			if i > 0 {
				w.buf.WriteByte(',')
			}
			if err := w.write(c, indexPath(path, i)); err != nil {
				return err
			}
		}
		w.buf.WriteByte(']')
		return nil
	case yaml.MappingNode:
		w.buf.WriteByte('{')
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			for k.Kind == yaml.AliasNode {
				k = k.Alias
			}
			if k.ShortTag() == "!!merge" {
				return fixtureErr(path, "YAML merge keys (<<) are not supported")
			}
			if k.Kind != yaml.ScalarNode {
				return fixtureErr(path, "YAML keys must be scalars")
			}
			if i > 0 {
				w.buf.WriteByte(',')
			}
			w.writeString(k.Value)
			w.buf.WriteByte(':')
			if err := w.write(n.Content[i+1], keyPath(path, k.Value)); err != nil {
				return err
			}
		}
		w.buf.WriteByte('}')
		return nil
	}
	return w.scalar(n, path)
}

// scalar writes a scalar by its YAML type.
func (w *yamlWriter) scalar(n *yaml.Node, path string) error {
	switch n.ShortTag() {
	case "!!null":
		w.buf.WriteString("null")
	case "!!bool":
		var b bool
		if err := n.Decode(&b); err != nil {
			return fixtureErr(path, "malformed YAML boolean")
		}
		w.buf.WriteString(strconv.FormatBool(b))
	case "!!int":
		var i int64
		if err := n.Decode(&i); err == nil {
			w.buf.WriteString(strconv.FormatInt(i, 10))
			return nil
		}
		var u uint64
		if err := n.Decode(&u); err != nil {
			return fixtureErr(path, "YAML integer out of range (quote it to give a string)")
		}
		w.buf.WriteString(strconv.FormatUint(u, 10))
	case "!!float":
		var f float64
		if err := n.Decode(&f); err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return fixtureErr(path, "YAML number has no JSON form (quote it to give a string)")
		}
		w.buf.WriteString(strconv.FormatFloat(f, 'g', -1, 64))
	case "!!str", "!!timestamp", "!!binary":
		w.writeString(n.Value)
	default:
		return fixtureErr(path, "YAML tag %s is not supported", n.Tag)
	}
	return nil
}

func (w *yamlWriter) writeString(s string) {
	b, _ := json.Marshal(s) // a string always encodes
	w.buf.Write(b)
}
