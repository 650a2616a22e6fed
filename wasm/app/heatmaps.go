package app

import (
	"fmt"

	"github.com/samlab/samlab/wasm/sim"
)

// heatMaps are the panels' heat maps and decision boundaries: the
// expensive pixels (a forward pass per grid cell), rendered in Update into
// RGBA buffers for Draw to upload, as in Ebiten's examples/noise.
type heatMaps struct {
	gen     uint64 // the session generation the maps were made for
	maps    []*heatMap
	rr      int    // round-robin cursor of the refresh
	renders uint64 // renders so far: the stamp of the latest
}

// heatMap is one panel's heat map.
type heatMap struct {
	heat  *sim.Heat
	segs  []sim.Segment // the boundary, in unit coordinates of the plane
	stamp uint64        // the heatMaps render count at its last render (0: none yet)
}

// sync makes new heat maps when the session has a new lab or was reset:
// one per panel, on the grid for the panel count; none in the
// high-dimensional scene, which has no plane of inputs.
func (h *heatMaps) sync(s *session) error {
	if h.gen == s.gen {
		return nil
	}
	h.gen = s.gen
	h.maps, h.rr = h.maps[:0], 0
	if s.lab.HighDim() {
		return nil
	}
	gs := gridSize(planeSize(len(s.lab.Panels)))
	for range s.lab.Panels {
		ht, err := sim.NewHeat(gs, s.lab.Setup.Net)
		if err != nil {
			return fmt.Errorf("panel view: %w", err)
		}
		ht.Version = ^uint64(0)
		h.maps = append(h.maps, &heatMap{heat: ht})
	}
	return nil
}

// grid returns the heat maps' grid size (0: none).
func (h *heatMaps) grid() int {
	if len(h.maps) == 0 {
		return 0
	}
	return h.maps[0].heat.G
}

// refresh renders the heat maps whose panel's weights changed and returns
// how many it did: all of them if all is set, else
// at most one (round robin), so a frame's work stays bounded however many
// panels run.
func (h *heatMaps) refresh(lab *sim.Lab, all bool) int {
	n := 0
	for range len(h.maps) {
		i := h.rr % len(h.maps)
		h.rr++
		m, p := h.maps[i], lab.Panels[i]
		if m.heat.Version == p.Version {
			continue
		}
		m.heat.Render(lab.Setup.Net, p.T.W, lab.View)
		m.heat.Version = p.Version
		m.segs = m.heat.Boundary(m.segs[:0])
		h.renders++
		m.stamp = h.renders
		n++
		if !all {
			break
		}
	}
	return n
}
