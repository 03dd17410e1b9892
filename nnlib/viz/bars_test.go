package viz

import (
	"errors"
	"math"
	"strings"
	"testing"

	"gonum.org/v1/plot/plotter"
)

func TestBarsErrors(t *testing.T) {
	for _, tc := range []struct {
		what   string
		names  []string
		values []float64
		want   string
		is     error
	}{
		{"no values", nil, nil, "no values", nil},
		{"length mismatch", []string{"a"}, []float64{1, 2}, "1 names for 2 values", nil},
		{"negative", []string{"a", "b"}, []float64{1, -2}, `"b" is -2`, nil},
		{"NaN", []string{"a", "b"}, []float64{math.NaN(), 2}, `"a" is NaN`, plotter.ErrNaN},
		{"Inf", []string{"a"}, []float64{math.Inf(1)}, `"a" is +Inf`, plotter.ErrInfinity},
	} {
		_, err := Bars("t", "v", tc.names, tc.values)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want one containing %q", tc.what, err, tc.want)
		}
		if tc.is != nil && !errors.Is(err, tc.is) {
			t.Errorf("%s: err = %v does not wrap %v", tc.what, err, tc.is)
		}
	}
}

// TestBarsOrder checks that the first name is drawn at the top: the
// nominal y axis runs bottom to top, so Bars reverses the order.
func TestBarsOrder(t *testing.T) {
	p, err := Bars("t", "v", []string{"first", "second", "third"}, []float64{3, 0, 1})
	if err != nil {
		t.Fatal(err)
	}
	ticks := p.Y.Tick.Marker.Ticks(p.Y.Min, p.Y.Max)
	var top string
	best := math.Inf(-1)
	for _, tk := range ticks {
		if tk.Label != "" && tk.Value > best {
			tk.Label = strings.TrimSpace(tk.Label)
			best, top = tk.Value, tk.Label
		}
	}
	if top != "first" {
		t.Errorf("top bar is %q, want %q", top, "first")
	}
	if p.X.Min != 0 || p.X.Max < 3 {
		t.Errorf("value axis %g…%g, want it from 0 past the largest value 3", p.X.Min, p.X.Max)
	}
}

func TestBarLabel(t *testing.T) {
	for v, want := range map[float64]string{0: "0", 14.93: "14.9", 0.954: "0.954", 123.4: "123", 2.5e7: "2.5e+07", 0.0001: "0.0001"} {
		if got := barLabel(v); got != want {
			t.Errorf("barLabel(%g) = %q, want %q", v, got, want)
		}
	}
}
