package report

import (
	"strings"

	"github.com/samlab/samlab/core/experiment"
)

// Claim is one section of the report.
type Claim struct {
	// ID names the claim in the report: "1" to "8" for the toy claims,
	// "D1" to "D5" for the deep ones (set from the claim list, claims.go).
	ID string
	// Title is a short name; Statement the claim as the paper makes it.
	Title, Statement string
	// Setting describes the experiment in words.
	Setting string
	// Figures are PNG files in the output folder.
	Figures []Figure
	// Tables hold the results (mean ± std over seeds).
	Tables []Table
	// Tests are the numeric checks; Verdict is Combine(Tests).
	Tests   []Test
	Verdict Verdict
	// Seeds is the number of seeds the verdict rests on: for a toy claim
	// the seeds its intervals needed (or the cap, Capped, where one is
	// still open); for a deep claim the most seeds a test paired.
	Seeds  int
	Capped bool
	// Rule states how the verdict is computed.
	Rule string
	// Headline is the one-line summary in the verdict table.
	Headline string
	// Configs are the experiment configs that produced the numbers.
	Configs []*experiment.Config
	// Notes are remarks (caveats, what the measurement means).
	Notes []string
}

// Figure is one PNG file of the report.
type Figure struct {
	// File is the file name inside the output folder.
	File string
	// Caption describes the figure.
	Caption string
}

// Deep reports whether c is a deep-network claim (its ID starts with D).
func (c *Claim) Deep() bool { return strings.HasPrefix(c.ID, "D") }
