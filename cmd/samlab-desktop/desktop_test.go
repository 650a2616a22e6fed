//go:build desktop

// The window test: it needs a display (make test-desktop runs it under
// xvfb-run). Ebiten's game loop must run on the main thread, so TestMain
// runs the app for a number of frames, fast-forwarded 300 steps and
// paused, saving its last frame, while a goroutine drives the window as a
// user would, through the X server (XTEST's fake keys and clicks, read
// back with GetImage): it turns the share view on with G and inspects a
// point with Alt-click. The tests then check the frames, the log and what
// the driver saw.
package main

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"fmt"
	"image"
	"image/png"
	"io"
	"math"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/samlab/samlab/wasm/app"
	"github.com/samlab/samlab/wasm/sim"
	"github.com/samlab/samlab/wasm/sim/simtest"
)

var (
	shotPath string
	runErr   error
	runLog   syncLog
	drive    driven // what the driver did in the window, and saw
)

// syncLog is the app's log, written by the game loop and read by the
// driver.
type syncLog struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *syncLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *syncLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// waitFor waits until a log line after byte offset from contains want,
// and returns the line and the offset after it.
func (l *syncLog) waitFor(from int, want string, timeout time.Duration) (string, int, error) {
	deadline := time.Now().Add(timeout)
	for {
		s := l.String()
		if from > len(s) {
			from = len(s)
		}
		if i := strings.Index(s[from:], want); i >= 0 {
			start := strings.LastIndexByte(s[:from+i], '\n') + 1
			end := from + i + strings.IndexByte(s[from+i:]+"\n", '\n')
			return s[start:end], end, nil
		}
		if time.Now().After(deadline) {
			return "", from, fmt.Errorf("no log line containing %q within %v", want, timeout)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// driveFrames is how many frames the app runs: enough for the driver
// (at about 10 frames a second under Xvfb).
const driveFrames = 150

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "samlab-desktop-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	shotPath = filepath.Join(dir, "frame.png")
	o, err := app.ParseArgs([]string{"-preset", "demo", "-screenshot", shotPath, "-frames", strconv.Itoa(driveFrames), "-steps", "300", "-paused", "-log-every", "10"})
	if err == nil {
		o.Log = io.MultiWriter(os.Stdout, &runLog)
		done := make(chan struct{})
		go func() { defer close(done); drive.run() }()
		err = app.Run(o)
		<-done
	}
	runErr = err
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

type rect struct{ X, Y, W, H int }

// layout returns the planes from the app's layout log line.
func layout(t *testing.T) map[string]rect {
	t.Helper()
	for _, l := range strings.Split(runLog.String(), "\n") {
		if !strings.HasPrefix(l, "samlab: layout ") {
			continue
		}
		out := map[string]rect{}
		for _, w := range strings.Fields(l) {
			k, v, ok := strings.Cut(w, "=")
			var r rect
			if ok {
				if _, err := fmt.Sscanf(v, "%d,%d,%d,%d", &r.X, &r.Y, &r.W, &r.H); err == nil {
					out[k] = r
				}
			}
		}
		return out
	}
	t.Fatalf("no layout line in the log:\n%s", runLog.String())
	return nil
}

func frame(t *testing.T) image.Image {
	t.Helper()
	if runErr != nil {
		t.Fatalf("app: %v", runErr)
	}
	f, err := os.Open(shotPath)
	if err != nil {
		t.Fatalf("no screenshot: %v", err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("decode screenshot: %v", err)
	}
	if b := img.Bounds(); b.Dx() != app.ScreenW || b.Dy() != app.ScreenH {
		t.Fatalf("frame is %dx%d, want %dx%d", b.Dx(), b.Dy(), app.ScreenW, app.ScreenH)
	}
	return img
}

func TestWindowRenders(t *testing.T) {
	img := frame(t)
	colours := map[[3]uint32]bool{}
	for y := 0; y < app.ScreenH; y += 2 {
		for x := 0; x < app.ScreenW; x += 2 {
			r, g, b, _ := img.At(x, y).RGBA()
			colours[[3]uint32{r >> 8, g >> 8, b >> 8}] = true
		}
	}
	if len(colours) < 500 {
		t.Errorf("only %d distinct colours: the window looks empty", len(colours))
	}
	planes := layout(t)
	for _, id := range []string{"plane0", "plane1"} {
		r, ok := planes[id]
		if !ok {
			t.Fatalf("no %s in the layout", id)
		}
		blue, orange, n := 0, 0, 0
		for y := r.Y + 2; y < r.Y+r.H-2; y++ {
			for x := r.X + 2; x < r.X+r.W-2; x++ {
				cr, cg, cb, _ := img.At(x, y).RGBA()
				R, G, B := int(cr>>8), int(cg>>8), int(cb>>8)
				n++
				if B > R+12 && B > G {
					blue++
				} else if R > B+12 && G > B {
					orange++
				}
			}
		}
		if blue < n/20 || orange < n/20 {
			t.Errorf("%s: %d bluish, %d orangish of %d pixels: no heat map", id, blue, orange, n)
		}
	}
	// After 300 steps SGD's and 1-SAM's planes differ (at step 0 they are
	// identical: same data, same initial weights).
	a, b := planes["plane0"], planes["plane1"]
	diff, n := 0, 0
	for y := 2; y < a.H-2; y++ {
		for x := 2; x < a.W-2; x++ {
			r1, g1, b1, _ := img.At(a.X+x, a.Y+y).RGBA()
			r2, g2, b2, _ := img.At(b.X+x, b.Y+y).RGBA()
			if math.Abs(float64(r1>>8)-float64(r2>>8))+math.Abs(float64(g1>>8)-float64(g2>>8))+math.Abs(float64(b1>>8)-float64(b2>>8)) > 24 {
				diff++
			}
			n++
		}
	}
	t.Logf("%.1f%% of plane pixels differ between SGD and 1-SAM after 300 steps", 100*float64(diff)/float64(n))
	if diff < n/50 {
		t.Errorf("SGD and 1-SAM planes nearly identical after 300 steps (%d of %d pixels differ)", diff, n)
	}
}

func TestLog(t *testing.T) {
	if runErr != nil {
		t.Fatalf("app: %v", runErr)
	}
	log := runLog.String()
	for _, want := range []string{
		"samlab: ready query=preset=demo&methods=sgd,1sam&seed=6&steps=300 panels=SGD,1-SAM",
		"samlab: event fast-forward-done step=300",
		"samlab: perf ",
		"samlab: screenshot ",
	} {
		if !strings.Contains(log, want) {
			t.Errorf("log lacks %q:\n%s", want, log)
		}
	}
}

// TestFlagsStrict: the desktop app refuses bad values instead of falling
// back to the defaults as the page does (run returns before any window).
func TestFlagsStrict(t *testing.T) {
	for _, args := range [][]string{{"-noise=0.9"}, {"-methods=adam"}, {"-frames=-1"}, {"stray"}} {
		if err := run(args); err == nil {
			t.Errorf("run(%q) accepted bad arguments", args)
		}
	}
}

// driven is what the driver did in the window and saw there: the window's
// pixels before anything, with the share view on, with the inspector open
// and after Escape closed it, and the inspected point.
type driven struct {
	err                             error
	before, shares, inspect, closed *image.RGBA
	point                           int
	plane                           rect // plane0 in the window
}

// run drives the window (the game loop runs on the main thread meanwhile).
func (d *driven) run() {
	d.err = d.steps()
	if d.err != nil {
		fmt.Fprintln(os.Stderr, "desktop driver:", d.err)
	}
}

func (d *driven) steps() error {
	_, off, err := runLog.waitFor(0, "samlab: event fast-forward-done", 120*time.Second)
	if err != nil {
		return err
	}
	if _, off, err = runLog.waitFor(off, "samlab: perf ", 30*time.Second); err != nil {
		return err
	}
	x, err := dialX11()
	if err != nil {
		return fmt.Errorf("connect to the X server: %w", err)
	}
	defer x.close()
	_, wx, wy, err := x.window(app.ScreenW, app.ScreenH)
	if err != nil {
		return err
	}
	grab := func() (*image.RGBA, error) { return x.image(wx, wy, app.ScreenW, app.ScreenH) }
	// nextFrames waits for the frame timer's second line from now: at
	// least log-every whole frames drawn and presented since (the first
	// line may come from the frame that logged the event, before its draw
	// reached the screen; on a loaded machine one line was too few).
	nextFrames := func() error {
		for range 2 {
			if _, off, err = runLog.waitFor(off, "samlab: perf ", 30*time.Second); err != nil {
				return err
			}
		}
		return nil
	}
	if d.before, err = grab(); err != nil {
		return err
	}
	key := func(sym uint32, want string) error {
		k, err := x.keycode(sym)
		if err != nil {
			return err
		}
		if err := x.fake(2, k, 0, 0); err != nil {
			return err
		}
		_, off, err = runLog.waitFor(off, want, 20*time.Second)
		if e := x.fake(3, k, 0, 0); err == nil {
			err = e
		}
		return err
	}

	// G, with the pointer in the window: the share view.
	if err := x.fake(6, 0, int16(wx+app.ScreenW/2), int16(wy+60)); err != nil {
		return err
	}
	if err := key('g', "samlab: event shares on"); err != nil {
		return err
	}
	if err := nextFrames(); err != nil {
		return err
	}
	if d.shares, err = grab(); err != nil {
		return err
	}

	// Alt-click a flipped point: the inspector.
	planes := parseLayout(runLog.String())
	d.plane = planes["plane0"]
	lab, err := sim.New(sim.PresetParams("demo"))
	if err != nil {
		return err
	}
	pl := d.plane
	d.point = simtest.LoneFlipped(lab, 14/float64(pl.W)*lab.View.Size)
	if d.point < 0 {
		return fmt.Errorf("no lone flipped point")
	}
	u, v := lab.View.ToUnit(lab.Train.X[2*d.point], lab.Train.X[2*d.point+1])
	px, py := wx+pl.X+int(math.Round(u*float64(pl.W))), wy+pl.Y+int(math.Round(v*float64(pl.H)))
	alt, err := x.keycode(0xffe9) // Alt_L
	if err != nil {
		return err
	}
	if err := x.fake(6, 0, int16(px), int16(py)); err != nil {
		return err
	}
	if err := x.fake(2, alt, 0, 0); err != nil {
		return err
	}
	time.Sleep(500 * time.Millisecond) // a few frames see Alt held
	if err := x.fake(4, 1, 0, 0); err != nil {
		return err
	}
	_, off, err = runLog.waitFor(off, "samlab: event inspect panel=1 ", 20*time.Second)
	x.fake(5, 1, 0, 0)
	x.fake(3, alt, 0, 0)
	if err != nil {
		return err
	}
	if err := nextFrames(); err != nil {
		return err
	}
	if d.inspect, err = grab(); err != nil {
		return err
	}
	if err := key(0xff1b, "samlab: event inspect-close"); err != nil { // Escape
		return err
	}
	if err := nextFrames(); err != nil {
		return err
	}
	d.closed, err = grab()
	return err
}

// parseLayout returns the rectangles of the app's first layout line in log.
func parseLayout(log string) map[string]rect {
	out := map[string]rect{}
	for _, l := range strings.Split(log, "\n") {
		if !strings.HasPrefix(l, "samlab: layout ") {
			continue
		}
		for _, w := range strings.Fields(l) {
			k, v, ok := strings.Cut(w, "=")
			var r rect
			if ok {
				if _, err := fmt.Sscanf(v, "%d,%d,%d,%d", &r.X, &r.Y, &r.W, &r.H); err == nil {
					out[k] = r
				}
			}
		}
		break
	}
	return out
}

// diff returns the fraction of pixels of r that differ (by more than a
// small tolerance) between two images.
func diff(a, b image.Image, r rect) float64 {
	n, k := 0, 0
	for y := r.Y + 2; y < r.Y+r.H-2; y++ {
		for x := r.X + 2; x < r.X+r.W-2; x++ {
			r1, g1, b1, _ := a.At(x, y).RGBA()
			r2, g2, b2, _ := b.At(x, y).RGBA()
			if math.Abs(float64(r1>>8)-float64(r2>>8))+math.Abs(float64(g1>>8)-float64(g2>>8))+math.Abs(float64(b1>>8)-float64(b2>>8)) > 24 {
				k++
			}
			n++
		}
	}
	return float64(k) / float64(n)
}

// TestWindowShareViewAndInspector: in the window, G turns the share view
// on (the plane's points change), Alt-click inspects a point in every
// panel (the box shows in both planes, and the values logged are finite)
// and Escape closes it.
func TestWindowShareViewAndInspector(t *testing.T) {
	if runErr != nil {
		t.Fatalf("app: %v", runErr)
	}
	if drive.err != nil {
		t.Fatalf("driving the window: %v", drive.err)
	}
	log := runLog.String()
	for _, want := range []string{"samlab: event shares on", "samlab: state query=preset=demo&methods=sgd,1sam&seed=6&steps=300&shares=true", "shares=true grid="} {
		if !strings.Contains(log, want) {
			t.Errorf("log lacks %q", want)
		}
	}
	pl := drive.plane
	planes := parseLayout(log)
	d := diff(drive.before, drive.shares, pl)
	t.Logf("share view: %.1f%% of plane0's pixels changed", 100*d)
	if d < 0.01 {
		t.Errorf("the share view changed only %.2f%% of plane0's pixels", 100*d)
	}
	for _, id := range []string{"plane0", "plane1"} {
		if d := diff(drive.shares, drive.inspect, planes[id]); d < 0.01 {
			t.Errorf("the inspector changed only %.2f%% of %s's pixels", 100*d, id)
		}
	}
	if d := diff(drive.shares, drive.closed, pl); d > 0.002 {
		t.Errorf("after Escape %.2f%% of plane0's pixels differ from the share view before", 100*d)
	}
	for k := range 2 {
		line := ""
		for _, l := range strings.Split(log, "\n") {
			if strings.HasPrefix(l, fmt.Sprintf("samlab: event inspect panel=%d ", k)) {
				line = l
			}
		}
		f := map[string]string{}
		for _, w := range strings.Fields(line) {
			if a, b, ok := strings.Cut(w, "="); ok {
				f[a] = b
			}
		}
		if f["point"] != strconv.Itoa(drive.point) || f["flipped"] != "true" {
			t.Errorf("inspect line %q, want point=%d flipped=true", line, drive.point)
		}
		for _, key := range []string{"loss", "scale", "scale_at", "jacobian", "jacobian_at", "share"} {
			v, err := strconv.ParseFloat(f[key], 64)
			if err != nil || math.IsNaN(v) || math.IsInf(v, 0) || v < 0 || key == "share" && v > 1 || key == "loss" && v == 0 {
				t.Errorf("panel %d: %s=%q", k, key, f[key])
			}
		}
	}
}

// x11 is a minimal X11 protocol client, enough to drive the window from a
// test as a user would, without Xlib or cgo (cgo is not allowed in test
// files): the XTEST extension's fake input (keys, pointer), GetImage to
// read the screen, and the few requests an XDND drag source needs.
type x11 struct {
	c        net.Conn
	r        *bufio.Reader
	mu       sync.Mutex // one request and its reply at a time
	seq      uint16
	root     uint32
	idBase   uint32
	idMask   uint32
	nextID   uint32
	minKey   byte
	maxKey   byte
	xtest    byte // XTEST's major opcode
	events   chan []byte
	replies  chan []byte
	readErr  error
	readDone chan struct{}
}

// dialX11 connects to $DISPLAY (a local display, as xvfb-run makes)
// with the MIT-MAGIC-COOKIE-1 of $XAUTHORITY.
func dialX11() (*x11, error) {
	disp := os.Getenv("DISPLAY")
	num, ok := strings.CutPrefix(disp, ":")
	if !ok {
		return nil, fmt.Errorf("DISPLAY %q is not a local display", disp)
	}
	num, _, _ = strings.Cut(num, ".")
	c, err := net.Dial("unix", "/tmp/.X11-unix/X"+num)
	if err != nil {
		return nil, err
	}
	name, cookie := xauthCookie(num)
	// Connection setup, little-endian.
	var b []byte
	b = append(b, 'l', 0)
	b = binary.LittleEndian.AppendUint16(b, 11)
	b = binary.LittleEndian.AppendUint16(b, 0)
	b = binary.LittleEndian.AppendUint16(b, uint16(len(name)))
	b = binary.LittleEndian.AppendUint16(b, uint16(len(cookie)))
	b = append(b, 0, 0)
	b = append(b, pad4([]byte(name))...)
	b = append(b, pad4(cookie)...)
	if _, err := c.Write(b); err != nil {
		c.Close()
		return nil, err
	}
	r := bufio.NewReader(c)
	head := make([]byte, 8)
	if _, err := io.ReadFull(r, head); err != nil {
		c.Close()
		return nil, err
	}
	rest := make([]byte, 4*int(binary.LittleEndian.Uint16(head[6:])))
	if _, err := io.ReadFull(r, rest); err != nil {
		c.Close()
		return nil, err
	}
	if head[0] != 1 {
		c.Close()
		return nil, fmt.Errorf("X11 connection refused: %q", rest)
	}
	x := &x11{c: c, r: r, events: make(chan []byte, 256), replies: make(chan []byte, 1), readDone: make(chan struct{})}
	x.idBase, x.idMask = binary.LittleEndian.Uint32(rest[4:]), binary.LittleEndian.Uint32(rest[8:])
	vendorLen := int(binary.LittleEndian.Uint16(rest[16:]))
	formats := int(rest[21])
	x.minKey, x.maxKey = rest[26], rest[27]
	screen := 32 + (vendorLen+3)&^3 + 8*formats
	x.root = binary.LittleEndian.Uint32(rest[screen:])
	go x.read()
	op, err := x.extension("XTEST")
	if err != nil {
		x.close()
		return nil, err
	}
	x.xtest = op
	return x, nil
}

// xauthCookie returns the MIT-MAGIC-COOKIE-1 for display number num in
// $XAUTHORITY (none: empty; the server may not ask for one).
func xauthCookie(num string) (string, []byte) {
	b, err := os.ReadFile(os.Getenv("XAUTHORITY"))
	if err != nil {
		return "", nil
	}
	field := func() []byte {
		if len(b) < 2 {
			return nil
		}
		n := int(binary.BigEndian.Uint16(b))
		if len(b) < 2+n {
			b = nil
			return nil
		}
		f := b[2 : 2+n]
		b = b[2+n:]
		return f
	}
	for len(b) > 2 {
		b = b[2:] // family
		field()   // address
		dn := string(field())
		name := string(field())
		data := field()
		if name == "MIT-MAGIC-COOKIE-1" && (dn == num || dn == "") {
			return name, data
		}
	}
	return "", nil
}

func pad4(b []byte) []byte {
	return append(b, make([]byte, (4-len(b)%4)%4)...)
}

// read sorts what the server sends into replies (and errors) and events.
func (x *x11) read() {
	defer close(x.readDone)
	for {
		m := make([]byte, 32)
		if _, err := io.ReadFull(x.r, m); err != nil {
			x.readErr = err
			return
		}
		switch m[0] {
		case 1: // reply
			extra := make([]byte, 4*int(binary.LittleEndian.Uint32(m[4:])))
			if _, err := io.ReadFull(x.r, extra); err != nil {
				x.readErr = err
				return
			}
			x.replies <- append(m, extra...)
		case 0: // error
			x.replies <- m
		default:
			select {
			case x.events <- m:
			default: // nobody listens: drop it
			}
		}
	}
}

// request sends one request of opcode op (data after the 4-byte header
// whose second byte is minor) and, if reply, waits for its reply.
func (x *x11) request(op, minor byte, data []byte, reply bool) ([]byte, error) {
	x.mu.Lock()
	defer x.mu.Unlock()
	data = pad4(data)
	b := []byte{op, minor}
	b = binary.LittleEndian.AppendUint16(b, uint16(1+len(data)/4))
	b = append(b, data...)
	if _, err := x.c.Write(b); err != nil {
		return nil, err
	}
	x.seq++
	if !reply {
		return nil, nil
	}
	select {
	case m := <-x.replies:
		if m[0] == 0 {
			return nil, fmt.Errorf("X11 error %d for request %d", m[1], op)
		}
		return m, nil
	case <-x.readDone:
		return nil, fmt.Errorf("X11 connection: %v", x.readErr)
	case <-time.After(10 * time.Second):
		return nil, fmt.Errorf("X11: no reply to request %d", op)
	}
}

// sync makes a round trip (GetInputFocus): every request before it has
// been handled, and its error, if any, reported.
func (x *x11) sync() error {
	_, err := x.request(43, 0, nil, true)
	return err
}

func (x *x11) close() { x.c.Close() }

// extension returns the major opcode of extension name.
func (x *x11) extension(name string) (byte, error) {
	d := binary.LittleEndian.AppendUint16(nil, uint16(len(name)))
	d = append(d, 0, 0)
	d = append(d, name...)
	m, err := x.request(98, 0, d, true)
	if err != nil {
		return 0, err
	}
	if m[8] == 0 {
		return 0, fmt.Errorf("X server without the %s extension", name)
	}
	return m[9], nil
}

// keycode returns the keycode whose first keysym is sym.
func (x *x11) keycode(sym uint32) (byte, error) {
	count := x.maxKey - x.minKey + 1
	m, err := x.request(101, 0, []byte{x.minKey, count, 0, 0}, true)
	if err != nil {
		return 0, err
	}
	per := int(m[1])
	for k := range int(count) {
		if binary.LittleEndian.Uint32(m[32+4*k*per:]) == sym {
			return x.minKey + byte(k), nil
		}
	}
	return 0, fmt.Errorf("no keycode for keysym %#x", sym)
}

// fake sends an XTEST fake input event: typ 2/3 key press/release
// (detail the keycode), 4/5 button press/release, 6 motion to (rx, ry).
func (x *x11) fake(typ, detail byte, rx, ry int16) error {
	d := make([]byte, 32)
	d[0], d[1] = typ, detail
	binary.LittleEndian.PutUint32(d[8:], x.root)
	binary.LittleEndian.PutUint16(d[20:], uint16(rx))
	binary.LittleEndian.PutUint16(d[22:], uint16(ry))
	_, err := x.request(x.xtest, 2, d, false)
	if err != nil {
		return err
	}
	return x.sync()
}

// window returns the top-level window of size w x h and where it is on
// the screen.
func (x *x11) window(w, h int) (id uint32, wx, wy int, err error) {
	m, err := x.request(15, 0, binary.LittleEndian.AppendUint32(nil, x.root), true) // QueryTree
	if err != nil {
		return 0, 0, 0, err
	}
	n := int(binary.LittleEndian.Uint16(m[16:]))
	for k := range n {
		c := binary.LittleEndian.Uint32(m[32+4*k:])
		g, err := x.request(14, 0, binary.LittleEndian.AppendUint32(nil, c), true) // GetGeometry
		if err != nil {
			continue
		}
		gx, gy := int(int16(binary.LittleEndian.Uint16(g[12:]))), int(int16(binary.LittleEndian.Uint16(g[14:])))
		gw, gh := int(binary.LittleEndian.Uint16(g[16:])), int(binary.LittleEndian.Uint16(g[18:]))
		if gw == w && gh == h {
			return c, gx, gy, nil
		}
	}
	return 0, 0, 0, fmt.Errorf("no %dx%d window among the root's %d children", w, h, n)
}

// image reads the w x h pixels at (px, py) of the root window (24-bit
// TrueColor, 32 bits a pixel, as Xvfb's -screen ...x24 serves).
func (x *x11) image(px, py, w, h int) (*image.RGBA, error) {
	d := binary.LittleEndian.AppendUint32(nil, x.root)
	d = binary.LittleEndian.AppendUint16(d, uint16(px))
	d = binary.LittleEndian.AppendUint16(d, uint16(py))
	d = binary.LittleEndian.AppendUint16(d, uint16(w))
	d = binary.LittleEndian.AppendUint16(d, uint16(h))
	d = binary.LittleEndian.AppendUint32(d, 0xffffffff)
	m, err := x.request(73, 2, d, true) // GetImage, ZPixmap
	if err != nil {
		return nil, err
	}
	pix := m[32:]
	if len(pix) < 4*w*h {
		return nil, fmt.Errorf("GetImage: %d bytes for %dx%d (depth %d)", len(pix), w, h, m[1])
	}
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := range w * h {
		img.Pix[4*i], img.Pix[4*i+1], img.Pix[4*i+2], img.Pix[4*i+3] = pix[4*i+2], pix[4*i+1], pix[4*i], 0xff
	}
	return img, nil
}

// The XDND drag source: enough of the protocol (freedesktop.org's XDND,
// version 5) to drop a file on a window as a file manager does.

// newID returns a new resource id of the connection.
func (x *x11) newID() uint32 {
	x.nextID++
	return x.idBase | (x.nextID & x.idMask)
}

// atom interns name.
func (x *x11) atom(name string) (uint32, error) {
	d := binary.LittleEndian.AppendUint16(nil, uint16(len(name)))
	d = append(d, 0, 0)
	d = append(d, name...)
	m, err := x.request(16, 0, d, true)
	if err != nil {
		return 0, fmt.Errorf("intern %s: %w", name, err)
	}
	return binary.LittleEndian.Uint32(m[8:]), nil
}

// inputOnlyWindow creates an unmapped 1x1 InputOnly window: the drag
// source's, which owns the selection and receives the target's replies.
func (x *x11) inputOnlyWindow() (uint32, error) {
	id := x.newID()
	d := binary.LittleEndian.AppendUint32(nil, id)
	d = binary.LittleEndian.AppendUint32(d, x.root)
	d = append(d, 0, 0, 0, 0)                            // x, y
	d = binary.LittleEndian.AppendUint16(d, 1)           // width
	d = binary.LittleEndian.AppendUint16(d, 1)           // height
	d = binary.LittleEndian.AppendUint16(d, 0)           // border
	d = binary.LittleEndian.AppendUint16(d, 2)           // InputOnly
	d = binary.LittleEndian.AppendUint32(d, 0)           // visual: CopyFromParent
	d = binary.LittleEndian.AppendUint32(d, 0)           // no attributes
	if _, err := x.request(1, 0, d, false); err != nil { // CreateWindow, depth 0
		return 0, err
	}
	return id, x.sync()
}

// sendEvent sends the 32-byte event ev to window dst (event mask 0: to
// the client that created dst).
func (x *x11) sendEvent(dst uint32, ev []byte) error {
	d := binary.LittleEndian.AppendUint32(nil, dst)
	d = binary.LittleEndian.AppendUint32(d, 0)
	d = append(d, ev...)
	if _, err := x.request(25, 0, d, false); err != nil {
		return err
	}
	return x.sync()
}

// clientMessage sends a 32-bit ClientMessage of type typ to window dst.
func (x *x11) clientMessage(dst, typ uint32, l [5]uint32) error {
	ev := []byte{33, 32, 0, 0}
	ev = binary.LittleEndian.AppendUint32(ev, dst)
	ev = binary.LittleEndian.AppendUint32(ev, typ)
	for _, v := range l {
		ev = binary.LittleEndian.AppendUint32(ev, v)
	}
	return x.sendEvent(dst, ev)
}

// event waits for an event of code (the send-event bit ignored) that ok
// accepts.
func (x *x11) event(code byte, ok func([]byte) bool, timeout time.Duration) ([]byte, error) {
	deadline := time.After(timeout)
	for {
		select {
		case m := <-x.events:
			if m[0]&0x7f == code && (ok == nil || ok(m)) {
				return m, nil
			}
		case <-deadline:
			return nil, fmt.Errorf("no X event %d within %v", code, timeout)
		}
	}
}

// dropFile drags the file at path onto window target at root position
// (rx, ry) and drops it: XdndEnter offering text/uri-list, XdndPosition,
// XdndDrop, then the file's URI to the target's selection request.
func (x *x11) dropFile(target uint32, rx, ry int, path string) error {
	names := []string{"XdndSelection", "XdndEnter", "XdndPosition", "XdndStatus", "XdndDrop", "XdndActionCopy", "text/uri-list"}
	atoms := map[string]uint32{}
	for _, n := range names {
		a, err := x.atom(n)
		if err != nil {
			return err
		}
		atoms[n] = a
	}
	src, err := x.inputOnlyWindow()
	if err != nil {
		return fmt.Errorf("drag source window: %w", err)
	}
	d := binary.LittleEndian.AppendUint32(nil, src)
	d = binary.LittleEndian.AppendUint32(d, atoms["XdndSelection"])
	d = binary.LittleEndian.AppendUint32(d, 0)            // CurrentTime
	if _, err := x.request(22, 0, d, false); err != nil { // SetSelectionOwner
		return err
	}
	if err := x.sync(); err != nil {
		return err
	}
	for len(x.events) > 0 {
		<-x.events
	}
	if err := x.clientMessage(target, atoms["XdndEnter"], [5]uint32{src, 5 << 24, atoms["text/uri-list"]}); err != nil {
		return err
	}
	if err := x.clientMessage(target, atoms["XdndPosition"], [5]uint32{src, 0, uint32(rx)<<16 | uint32(ry), 0, atoms["XdndActionCopy"]}); err != nil {
		return err
	}
	status, err := x.event(33, func(m []byte) bool { return binary.LittleEndian.Uint32(m[8:]) == atoms["XdndStatus"] }, 10*time.Second)
	if err != nil {
		return fmt.Errorf("XdndPosition: %w", err)
	}
	if binary.LittleEndian.Uint32(status[16:])&1 == 0 {
		return fmt.Errorf("the window does not accept text/uri-list")
	}
	if err := x.clientMessage(target, atoms["XdndDrop"], [5]uint32{src, 0, 0}); err != nil {
		return err
	}
	req, err := x.event(30, nil, 10*time.Second) // SelectionRequest
	if err != nil {
		return fmt.Errorf("XdndDrop: %w", err)
	}
	requestor := binary.LittleEndian.Uint32(req[12:])
	sel, tgt, prop := binary.LittleEndian.Uint32(req[16:]), binary.LittleEndian.Uint32(req[20:]), binary.LittleEndian.Uint32(req[24:])
	if prop == 0 {
		prop = tgt
	}
	uri := "file://" + path + "\r\n"
	d = binary.LittleEndian.AppendUint32(nil, requestor)
	d = binary.LittleEndian.AppendUint32(d, prop)
	d = binary.LittleEndian.AppendUint32(d, tgt)
	d = append(d, 8, 0, 0, 0)
	d = binary.LittleEndian.AppendUint32(d, uint32(len(uri)))
	d = append(d, uri...)
	if _, err := x.request(18, 0, d, false); err != nil { // ChangeProperty, Replace
		return err
	}
	ev := []byte{31, 0, 0, 0}
	ev = binary.LittleEndian.AppendUint32(ev, 0) // time
	ev = binary.LittleEndian.AppendUint32(ev, requestor)
	ev = binary.LittleEndian.AppendUint32(ev, sel)
	ev = binary.LittleEndian.AppendUint32(ev, tgt)
	ev = binary.LittleEndian.AppendUint32(ev, prop)
	ev = append(ev, make([]byte, 8)...)
	return x.sendEvent(requestor, ev)
}

// TestWindowDrop drops points files on the window through XDND, as a file
// manager does: a malformed one is a notice and leaves the experiment as
// it was, a good one trains on its points. It runs the built app in a
// second process, after TestMain's window has closed.
func TestWindowDrop(t *testing.T) {
	dir := t.TempDir()
	bin := buildApp(t, dir)
	bad, good := filepath.Join(dir, "bad.csv"), filepath.Join(dir, "good.csv")
	if err := os.WriteFile(bad, []byte("x,y,label\n0,0,0\n1,0,maybe\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var sb strings.Builder
	for k := range 60 {
		c := k % 2
		fmt.Fprintf(&sb, "%.3f,%.3f,%d\n", float64(2*c-1)+0.07*float64(k%7), 0.1*float64(k%9)-0.4, c)
	}
	if err := os.WriteFile(good, []byte(sb.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	var log syncLog
	cmd := exec.Command(bin, "-preset", "demo", "-frames", "600", "-log-every", "5")
	cmd.Stdout, cmd.Stderr = &log, &log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		cmd.Process.Kill()
		cmd.Wait()
	}()
	_, off, err := log.waitFor(0, "samlab: perf ", 60*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	x, err := dialX11()
	if err != nil {
		t.Fatal(err)
	}
	defer x.close()
	win, wx, wy, err := x.window(app.ScreenW, app.ScreenH)
	if err != nil {
		t.Fatal(err)
	}
	perf := func() map[string]string {
		t.Helper()
		var l string
		l, off, err = log.waitFor(off, "samlab: perf ", 30*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		f := map[string]string{}
		for _, w := range strings.Fields(l) {
			if a, b, ok := strings.Cut(w, "="); ok {
				f[a] = b
			}
		}
		return f
	}
	f0 := perf()
	if err := x.dropFile(win, wx+400, wy+300, bad); err != nil {
		t.Fatalf("drop %s: %v", bad, err)
	}
	l, off, err := log.waitFor(off, "samlab: event points-error ", 20*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("dropped %s: %s", filepath.Base(bad), l)
	if !strings.Contains(l, `bad.csv line 3: label "maybe" is not a class`) {
		t.Errorf("points-error line %q does not name the file, line and value", l)
	}
	s0, _ := strconv.Atoi(f0["step"])
	if f := perf(); f["points"] != "400" || atoi(f["step"]) <= s0 {
		t.Errorf("after a bad file: %v, want points=400 and the step past %d", f, s0)
	}
	f1 := perf()
	if err := x.dropFile(win, wx+400, wy+300, good); err != nil {
		t.Fatalf("drop %s: %v", good, err)
	}
	if l, off, err = log.waitFor(off, "samlab: event points ", 20*time.Second); err != nil {
		t.Fatal(err)
	}
	t.Logf("dropped %s: %s", filepath.Base(good), l)
	if !strings.Contains(l, "file=good.csv n=60 classes=2 flipped=0") {
		t.Errorf("points line %q, want file=good.csv n=60 classes=2 flipped=0", l)
	}
	if f := perf(); f["points"] != "60" || atoi(f["step"]) >= atoi(f1["step"]) {
		t.Errorf("after a good file: %v, want points=60 and the steps restarted (were %s)", f, f1["step"])
	}
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

// buildApp builds the app into dir and returns the binary's path.
func buildApp(t *testing.T, dir string) string {
	t.Helper()
	bin := filepath.Join(dir, "samlab-desktop")
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skipf("no go command to build the binary: %v", err)
	}
	if out, err := exec.Command(goTool, "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// TestWindowHighdim runs the built app on the paper's toy (-preset highdim,
// 60 steps, paused) in a second process and checks its frame: each panel
// a margin view and a projection (class colours in the projection, SGD's
// and 1-SAM's views differing), and its log.
func TestWindowHighdim(t *testing.T) {
	dir := t.TempDir()
	bin := buildApp(t, dir)
	shot := filepath.Join(dir, "highdim.png")
	var log syncLog
	cmd := exec.Command(bin, "-preset", "highdim", "-steps", "60", "-paused", "-frames", "20", "-log-every", "5", "-screenshot", shot)
	cmd.Stdout, cmd.Stderr = &log, &log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("app: %v\n%s", err, log.String())
		}
	case <-time.After(3 * time.Minute):
		cmd.Process.Kill()
		t.Fatalf("app still running after 3 minutes:\n%s", log.String())
	}
	out := log.String()
	for _, want := range []string{
		"samlab: ready query=preset=highdim&methods=sgd,1sam&seed=6&steps=60 panels=SGD,1-SAM",
		"samlab: event fast-forward-done step=60",
		"samlab: space ha=",
		"points=500 ",
		"samlab: screenshot ",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
	rects := parseLayout(out)
	f, err := os.Open(shot)
	if err != nil {
		t.Fatalf("no screenshot: %v", err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"projection0", "projection1"} {
		r, ok := rects[id]
		if !ok {
			t.Fatalf("no %s in the layout:\n%s", id, out)
		}
		blue, orange, n := 0, 0, 0
		for y := r.Y + 2; y < r.Y+r.H-2; y++ {
			for x := r.X + 2; x < r.X+r.W-2; x++ {
				cr, cg, cb, _ := img.At(x, y).RGBA()
				R, G, B := int(cr>>8), int(cg>>8), int(cb>>8)
				n++
				if B > R+12 && B > G {
					blue++
				} else if R > B+12 && G > B {
					orange++
				}
			}
		}
		if blue < n/20 || orange < n/20 {
			t.Errorf("%s: %d bluish, %d orangish of %d pixels: no projection", id, blue, orange, n)
		}
	}
	for _, v := range []string{"margins", "projection"} {
		a, b := rects[v+"0"], rects[v+"1"]
		changed, n := 0, 0
		for y := 2; y < a.H-2; y++ {
			for x := 2; x < a.W-2; x++ {
				r1, g1, b1, _ := img.At(a.X+x, a.Y+y).RGBA()
				r2, g2, b2, _ := img.At(b.X+x, b.Y+y).RGBA()
				if math.Abs(float64(r1>>8)-float64(r2>>8))+math.Abs(float64(g1>>8)-float64(g2>>8))+math.Abs(float64(b1>>8)-float64(b2>>8)) > 24 {
					changed++
				}
				n++
			}
		}
		t.Logf("%s: %.1f%% of pixels differ between SGD and 1-SAM after 60 steps", v, 100*float64(changed)/float64(n))
		if changed < n/50 {
			t.Errorf("%s: SGD's and 1-SAM's views nearly identical after 60 steps (%d of %d pixels differ)", v, changed, n)
		}
	}
}
