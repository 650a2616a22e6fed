package sim

import "testing"

// The keyboard map: Tab and Shift+Tab walk the controls in order and wrap,
// Enter and Space press the focused one, arrows step a focused stepper,
// Escape drops the focus; without focus every key keeps its shortcut.
func TestFocusKeys(t *testing.T) {
	// Five controls: 0 play, 1-2 a stepper's - and +, 3 a toggle, 4 another stepper half.
	stepper := func(i int) bool { return i == 1 || i == 2 || i == 4 }
	cases := []struct {
		name string
		from int
		keys []Key
		at   int
		last Action
		n    int
	}{
		{"Tab from none: the first", -1, []Key{KeyTab}, 0, Moved, 5},
		{"Shift+Tab from none: the last", -1, []Key{KeyShiftTab}, 4, Moved, 5},
		{"Tab walks in order", -1, []Key{KeyTab, KeyTab, KeyTab}, 2, Moved, 5},
		{"Tab wraps", 4, []Key{KeyTab}, 0, Moved, 5},
		{"Shift+Tab wraps", 0, []Key{KeyShiftTab}, 4, Moved, 5},
		{"Tab then Shift+Tab: back", 2, []Key{KeyTab, KeyShiftTab}, 2, Moved, 5},
		{"Enter presses", 3, []Key{KeyEnter}, 3, Activate, 5},
		{"Space presses", 1, []Key{KeySpace}, 1, Activate, 5},
		{"Space without focus: its shortcut", -1, []Key{KeySpace}, -1, None, 5},
		{"Enter without focus: nothing", -1, []Key{KeyEnter}, -1, None, 5},
		{"Left on a stepper's +: down", 2, []Key{KeyLeft}, 2, StepDown, 5},
		{"Down on a stepper's -: down", 1, []Key{KeyDown}, 1, StepDown, 5},
		{"Right: up", 1, []Key{KeyRight}, 1, StepUp, 5},
		{"Up: up", 4, []Key{KeyUp}, 4, StepUp, 5},
		{"Right on a toggle: its shortcut", 3, []Key{KeyRight}, 3, None, 5},
		{"Up without focus: its shortcut", -1, []Key{KeyUp}, -1, None, 5},
		{"Escape drops the focus", 3, []Key{KeyEscape}, -1, Moved, 5},
		{"Escape without focus: its shortcut", -1, []Key{KeyEscape}, -1, None, 5},
		{"no controls (embedded page)", -1, []Key{KeyTab}, -1, None, 0},
		{"focus past fewer controls is dropped", 4, []Key{KeyEnter}, -1, None, 3},
	}
	for _, c := range cases {
		f := Focus{At: c.from}
		var a Action
		for _, k := range c.keys {
			a = f.Key(k, c.n, stepper)
		}
		if f.At != c.at || a != c.last {
			t.Errorf("%s: focus %d, action %d; want %d, %d", c.name, f.At, a, c.at, c.last)
		}
	}
	// Tab visits every control once in a round.
	f := NoFocus
	seen := map[int]bool{}
	for range 5 {
		f.Key(KeyTab, 5, stepper)
		seen[f.At] = true
	}
	if len(seen) != 5 {
		t.Errorf("five Tabs visit %d controls, want 5", len(seen))
	}
}
