package runner

import (
	"fmt"
	"strings"
	"unicode"
)

// ShellQuote returns s as one word for bash (and any POSIX shell): s itself
// when it holds only letters, digits and _ . / - + , : = @ %, otherwise s
// in single quotes, each single quote in s closed, escaped and reopened:
//
//	it's  ->  'it'\''s'
//
// Nothing inside single quotes is expanded: $( ), $VAR, backquotes and
// double quotes stay as they are.
func ShellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune("_./-+,:=@%", r)))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// slurmQuote returns s as one argument of an #SBATCH line, which sbatch
// reads itself (not bash): in double quotes, with \, " and # (which would
// start a comment) escaped by a backslash.
func slurmQuote(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, `#`, `\#`)
	return `"` + r.Replace(s) + `"`
}

// slurmPattern returns the file name pattern dir/name for sbatch's
// --output with the % of dir doubled, so that sbatch expands only name's.
func slurmPattern(dir, name string) string {
	return strings.ReplaceAll(dir, "%", "%%") + "/" + name
}

// scriptSafe reports a path that no line of a script can hold: one with a
// control character (a line break would end the line and start a command).
func scriptSafe(what, p string) error {
	if i := strings.IndexFunc(p, unicode.IsControl); i >= 0 {
		return fmt.Errorf("sweep: %s %q holds a control character (%U), which a Slurm script cannot hold: choose another", what, p, []rune(p[i:])[0])
	}
	return nil
}
