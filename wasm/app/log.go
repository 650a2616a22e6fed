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
// them.
func (l *logger) layout(ws []*widget, n int) {
	var b strings.Builder
	for _, w := range ws {
		fmt.Fprintf(&b, " %s=%.0f,%.0f,%.0f,%.0f", w.id, w.r.X, w.r.Y, w.r.W, w.r.H)
	}
	for i := range n {
		r := planeRect(i, n)
		fmt.Fprintf(&b, " plane%d=%.0f,%.0f,%.0f,%.0f", i, r.X, r.Y, r.W, r.H)
	}
	l.logf("layout screen=%dx%d%s", ScreenW, ScreenH, b.String())
	l.layoutPanels = n
}
