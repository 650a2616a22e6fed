package runner

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"

	"go.yaml.in/yaml/v3"

	"github.com/samlab/samlab/native/dataset"
)

// resumeSafe lists the config keys a resumed run may change: they do not
// alter the data or the trajectory (epochs only upwards, see CheckResume).
var resumeSafe = map[string]bool{"epochs": true, "threads": true, "device": true, "out": true}

// CheckResume reports whether the run in now.Out can be resumed with now:
// a change to any key other than epochs, threads and device (the data, the
// model, the method, its hyperparameters, the batch, the seed...) would make
// the run claim settings its first epochs never used, so it is an error
// naming the key and both values; so is fewer epochs than metrics.csv
// already holds. A folder whose config.yaml is gone resumes only from a
// checkpoint that records the run's identity (format 3), which the resume
// then compares with now; an older one cannot be checked and is refused.
// data_dir compares as the folder it names: empty and the dataset's default
// folder spelled out are the same.
func CheckResume(now Config) error {
	path := filepath.Join(now.Out, ConfigFile)
	if _, err := os.Stat(path); err != nil {
		last := filepath.Join(now.Out, LastFile)
		if _, err := os.Stat(last); err != nil {
			return fmt.Errorf("cannot resume %s: %s is missing, so the run's settings are unknown (pass the run's --config)", now.Out, ConfigFile)
		}
		st, _, _, _, err := LoadCheckpoint(last)
		switch {
		case err != nil:
			return fmt.Errorf("cannot resume: %w", err)
		case st.Run == nil:
			return fmt.Errorf("cannot resume %s: %s is missing and %s (format %d) does not record the run's settings: put config.yaml back, or start over in another --out", now.Out, ConfigFile, LastFile, st.Version)
		}
		return nil // resume compares the checkpoint's identity with now
	}
	saved, err := LoadConfig(path, Config{})
	if err != nil {
		return fmt.Errorf("cannot resume: %w", err)
	}
	a, b := asMap(saved), asMap(now)
	a["data_dir"], b["data_dir"] = dataFolder(saved), dataFolder(now)
	keys := make([]string, 0, len(a))
	for k := range a {
		keys = append(keys, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		if resumeSafe[k] || reflect.DeepEqual(a[k], b[k]) {
			continue
		}
		return fmt.Errorf("cannot resume %s with %s %v: the run was started with %s %v (only epochs, threads and device may change on resume; start a new run with another --out)",
			now.Out, k, show(b[k]), k, show(a[k]))
	}
	rows, err := ReadMetrics(filepath.Join(now.Out, MetricsFile))
	switch {
	case os.IsNotExist(err):
		return nil
	case err != nil:
		return fmt.Errorf("cannot resume: %w", err)
	case now.Epochs < len(rows):
		return fmt.Errorf("cannot resume %s with epochs %d: metrics.csv already holds %d epochs", now.Out, now.Epochs, len(rows))
	}
	return nil
}

// asMap returns c's YAML keys and values (as decoded from its YAML form,
// so that equal settings compare equal whatever their Go zero values).
func asMap(c Config) map[string]any {
	c.NoiseConvention = ""
	out, _ := yaml.Marshal(c)
	m := map[string]any{}
	_ = yaml.Unmarshal(out, &m)
	return m
}

// dataFolder returns the folder c's data is read from, absolute when it
// can be: DataDir, or the dataset's default folder when DataDir is empty.
func dataFolder(c Config) string {
	d := c.DataDir
	if d == "" {
		d = dataset.DefaultDir(c.Dataset)
	}
	if abs, err := filepath.Abs(d); err == nil {
		return abs
	}
	return filepath.Clean(d)
}

func show(v any) string {
	if v == nil || v == "" {
		return `""`
	}
	return fmt.Sprint(v)
}
