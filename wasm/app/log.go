package app

import (
	"fmt"
	"io"
	"strings"
)

// logger writes the app's log lines, "samlab: " and a message, one a
// line (the browser shows standard output as console.log; the browser and
// desktop tests synchronise on these lines). It remembers what it last
// logged of the shared query and the layout, to log them again only when
// they change.
type logger struct {
	w            io.Writer
	query        string // the last query logged (or seen at the start)
	layoutPanels int    // the panel count of the last layout line
	layoutSpace  bool   // whether the last layout line was the high-dimensional scene's
}

// logf writes one log line prefixed "samlab: ".
func (l *logger) logf(format string, a ...any) {
	fmt.Fprintf(l.w, "samlab: "+format+"\n", a...)
}

// stateQuery logs "state query=q" when q changed since the last call,
// except on the first call.
func (l *logger) stateQuery(q string) {
	if q == l.query {
		return
	}
	if l.query != "" {
		l.logf("state query=%s", q)
	}
	l.query = q
}

// layout logs where the controls and the n planes are, in logical pixels
// (the canvas maps them 1:1 at 1280x800), so a browser test can click
// them; in the high-dimensional scene (space) also each panel's margin
// view and projection.
func (l *logger) layout(ws []*widget, n int, space bool) {
	var b strings.Builder
	put := func(id string, r rect) { fmt.Fprintf(&b, " %s=%.0f,%.0f,%.0f,%.0f", id, r.X, r.Y, r.W, r.H) }
	for _, w := range ws {
		put(w.id, w.r)
	}
	for i := range n {
		put(fmt.Sprintf("plane%d", i), planeRect(i, n))
		if space {
			put(fmt.Sprintf("margins%d", i), marginRect(i, n))
			put(fmt.Sprintf("projection%d", i), projRect(i, n))
		}
	}
	l.logf("layout screen=%dx%d%s", ScreenW, ScreenH, b.String())
	l.layoutPanels, l.layoutSpace = n, space
}
