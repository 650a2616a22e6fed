package runner

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// hostileNames are folder names a user might give (or be given) that a
// shell would expand, split or end a line on.
var hostileNames = []string{
	"d$(touch F)x", "$HOME", "`touch F`", "it's", `a "b" c`, "sp ace", "#hash", `back\slash`,
	"100%u", "semi;touch F", "amp&&touch F", "star*", "~tilde", "-dash", "brace{a,b}", "ünï",
}

// sbatchArgument reads one argument of an #SBATCH line as sbatch does
// (Slurm's _get_argument): double quotes group, a backslash escapes the
// next character, an unescaped # starts a comment.
func sbatchArgument(line string) string {
	var out strings.Builder
	quoted, escape := false, false
	for _, r := range strings.TrimLeft(line, " \t") {
		switch {
		case escape:
			escape = false
			out.WriteRune(r)
		case r == '\\':
			escape = true
		case r == '"':
			quoted = !quoted
		case r == '#':
			return out.String()
		case !quoted && (r == ' ' || r == '\t'):
			return out.String()
		default:
			out.WriteRune(r)
		}
	}
	return out.String()
}

// TestSlurmScriptHostileRoots: the generated sweep.sbatch runs exactly the
// cell's command whatever the root and the executable's path hold: bash
// parses it (bash -n), running it (with a stub for samlab, as an array
// task would) passes the cell's paths unchanged and expands nothing (no
// file F appears), and sbatch reads the --output path as written.
func TestSlurmScriptHostileRoots(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("no bash")
	}
	g := Grid{Base: Default(), Methods: []string{"sgd"}, Noises: []float64{0.3}, Rhos: []float64{0.01}, Seeds: []uint64{0, 1}}
	for _, name := range hostileNames {
		t.Run(name, func(t *testing.T) {
			base := t.TempDir()
			root := filepath.Join(base, name, "sweep "+name)
			exe := filepath.Join(base, "bin "+name, "samlab")
			os.MkdirAll(filepath.Dir(exe), 0o755)
			if err := os.WriteFile(exe, []byte("#!/bin/sh\nprintf '%s\\n' \"$@\" > \"$ARGS_OUT\"\n"), 0o755); err != nil {
				t.Fatal(err)
			}
			cells, err := g.Cells(root)
			if err != nil {
				t.Fatal(err)
			}
			script, err := WriteSweep(root, cells, exe, nil)
			if err != nil {
				t.Fatal(err)
			}
			if out, err := exec.Command("bash", "-n", script).CombinedOutput(); err != nil {
				t.Fatalf("bash -n: %v: %s", err, out)
			}
			argsOut := filepath.Join(base, "args.txt")
			cmd := exec.Command("bash", script)
			cmd.Dir = base
			cmd.Env = append(os.Environ(), "SLURM_ARRAY_TASK_ID=1", "ARGS_OUT="+argsOut)
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("running the script: %v: %s", err, out)
			}
			got, _ := os.ReadFile(argsOut)
			cell, _ := filepath.Abs(cells[1].Out)
			want := strings.Join([]string{"train", "--config", cell + "/cell.yaml", "--out", cell, "--resume", "--quiet"}, "\n") + "\n"
			if string(got) != want {
				t.Errorf("the stub got\n%s\nwant\n%s", got, want)
			}
			filepath.WalkDir(base, func(p string, d os.DirEntry, err error) error {
				if err == nil && d.Name() == "F" {
					t.Errorf("the script ran a command from the path: %s exists", p)
				}
				return nil
			})
			raw, _ := os.ReadFile(script)
			abs, _ := filepath.Abs(root)
			var output string
			for _, line := range strings.Split(string(raw), "\n") {
				if v, ok := strings.CutPrefix(line, "#SBATCH --output="); ok {
					output = sbatchArgument(v)
				}
			}
			if want := strings.ReplaceAll(abs, "%", "%%") + "/slurm-%A_%a.out"; output != want {
				t.Errorf("sbatch reads --output %q, want %q", output, want)
			}
		})
	}
}

// TestShellQuote: a quoted word reads back through bash as itself.
func TestShellQuote(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("no bash")
	}
	for _, s := range append(hostileNames, "plain/path-1.0", "", "'", "''", "a'b'c", "new\nline") {
		q := ShellQuote(s)
		out, err := exec.Command("bash", "-c", "printf %s "+q).Output()
		if err != nil || string(out) != s {
			t.Errorf("ShellQuote(%q) = %s reads back as %q (%v)", s, q, out, err)
		}
	}
	if q := ShellQuote("/tmp/run_1/x.sbatch"); q != "/tmp/run_1/x.sbatch" {
		t.Errorf("a plain path was quoted: %s", q)
	}
}

// TestSweepRefusesLineBreaks: a root or executable that no script line can
// hold is refused before anything is written.
func TestSweepRefusesLineBreaks(t *testing.T) {
	g := Grid{Base: Default(), Methods: []string{"sgd"}, Noises: []float64{0.3}, Rhos: []float64{0.01}, Seeds: []uint64{0}}
	base := t.TempDir()
	for _, tc := range []struct{ root, exe, want string }{
		{filepath.Join(base, "a\ntouch F"), "/bin/samlab", `--root "` + base + `/a\ntouch F" holds a control character (U+000A)`},
		{filepath.Join(base, "ok"), "/bin/sam\rlab", `executable "/bin/sam\rlab" holds a control character (U+000D)`},
	} {
		cells, err := g.Cells(tc.root)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := WriteSweep(tc.root, cells, tc.exe, nil); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("error %v, want %q", err, tc.want)
		}
	}
	if ents, _ := os.ReadDir(base); len(ents) != 0 {
		t.Errorf("created %s", ents[0].Name())
	}
}
