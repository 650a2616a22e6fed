package sim

// The keyboard map of the sidebar's controls, without any graphics: the
// app reads the keys and draws the focus ring; which control has the focus
// and what a key does to it are decided here.

// Key is a key the focus reacts to.
type Key int

// The keys of the keyboard map.
const (
	KeyTab      Key = iota // the next control
	KeyShiftTab            // the previous control
	KeyEnter               // activate the focused control
	KeySpace               // activate the focused control (without focus: play/pause)
	KeyLeft                // a stepper's -, a method's <
	KeyDown                // as KeyLeft
	KeyRight               // a stepper's +, a method's >
	KeyUp                  // as KeyRight
	KeyEscape              // drop the focus
)

// Action is what a key does to the focused control.
type Action int

// The actions.
const (
	// None: the key is not the focus's; it keeps its own shortcut
	// (Space plays, arrows step and change the speed).
	None Action = iota
	// Moved: the focus moved (or was dropped); the key does nothing else.
	Moved
	// Activate: the focused control acts as if clicked.
	Activate
	// StepDown and StepUp: the focused stepper (both of its buttons) moves
	// one step down or up.
	StepDown
	StepUp
)

// Focus is the keyboard focus over a row of controls in their visual
// order (top to bottom, left to right): At is the focused control's index,
// -1 for none (the page starts so: Space plays until Tab is pressed).
type Focus struct {
	At int
}

// NoFocus is the focus of a page where Tab was not pressed yet.
var NoFocus = Focus{At: -1}

// Key applies key k to the focus over n controls, where stepper(i) reports
// whether control i is half of a stepper (its arrows step it), and returns
// what the key does. Tab and Shift+Tab move the focus and wrap around (from
// no focus, Tab goes to the first control and Shift+Tab to the last);
// Enter and Space activate the focused control; the arrows step a focused
// stepper; Escape drops the focus. Without focus, or for a key the focused
// control does not take, it returns None.
func (f *Focus) Key(k Key, n int, stepper func(i int) bool) Action {
	if f.At >= n {
		f.At = -1 // the controls were laid out again, fewer
	}
	switch k {
	case KeyTab, KeyShiftTab:
		if n == 0 {
			return None
		}
		switch {
		case f.At < 0 && k == KeyTab:
			f.At = 0
		case f.At < 0:
			f.At = n - 1
		case k == KeyTab:
			f.At = (f.At + 1) % n
		default:
			f.At = (f.At + n - 1) % n
		}
		return Moved
	case KeyEscape:
		if f.At < 0 {
			return None
		}
		f.At = -1
		return Moved
	}
	if f.At < 0 {
		return None
	}
	switch k {
	case KeyEnter, KeySpace:
		return Activate
	case KeyLeft, KeyDown:
		if stepper(f.At) {
			return StepDown
		}
	case KeyRight, KeyUp:
		if stepper(f.At) {
			return StepUp
		}
	}
	return None
}
