// Package configfile reads and writes experiment configs as YAML. It is
// kept apart from core/experiment so the browser build, which never reads
// files, does not carry a YAML parser.
package configfile

import (
	"fmt"
	"os"

	"go.yaml.in/yaml/v3"

	"github.com/samlab/samlab/core/experiment"
)

// Load reads a YAML config file. Keys it does not know are errors, so a
// typo never passes silently. A config may name a base preset with
// "preset: NAME"; the file's values then override the preset's.
func Load(path string) (*experiment.Config, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read config: %w", err)
	}
	return Parse(b, path)
}

// Parse decodes YAML config text; name is used in errors.
func Parse(b []byte, name string) (*experiment.Config, error) {
	var head struct {
		Preset string `yaml:"preset"`
	}
	if err := yaml.Unmarshal(b, &head); err != nil {
		return nil, fmt.Errorf("config %s: %s", name, oneLine(err))
	}
	c := &experiment.Config{}
	if head.Preset != "" {
		p, err := experiment.Preset(head.Preset)
		if err != nil {
			return nil, fmt.Errorf("config %s: %w", name, err)
		}
		c = p
	}
	var wrapped struct {
		Preset             string `yaml:"preset"`
		*experiment.Config `yaml:",inline"`
	}
	wrapped.Config = c
	if err := Decode(b, name, &wrapped); err != nil {
		return nil, err
	}
	return c, nil
}

// Marshal returns c as YAML.
func Marshal(c *experiment.Config) ([]byte, error) { return yaml.Marshal(c) }
