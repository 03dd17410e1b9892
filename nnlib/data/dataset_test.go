package data

import (
	"math/rand/v2"
	"slices"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// numbered returns n examples with 2 features: X row i is (i, −i), label
// i mod 3, Y one-hot.
func numbered(n int) *Dataset {
	x := mat.NewDense(n, 2, nil)
	labels := make([]int, n)
	for i := range n {
		x.Set(i, 0, float64(i))
		x.Set(i, 1, -float64(i))
		labels[i] = i % 3
	}
	return &Dataset{X: x, Y: OneHot(labels, 3), Labels: labels, Classes: []string{"a", "b", "c"}, Features: []string{"f", "g"}}
}

func TestOneHot(t *testing.T) {
	y := OneHot([]int{2, 0, 1, 2}, 3)
	want := mat.NewDense(4, 3, []float64{
		0, 0, 1,
		1, 0, 0,
		0, 1, 0,
		0, 0, 1,
	})
	if !mat.Equal(y, want) {
		t.Fatalf("OneHot = %v, want %v", mat.Formatted(y), mat.Formatted(want))
	}
	mustPanic(t, "label 3 at index 1 outside 0..2", func() { OneHot([]int{0, 3}, 3) })
	mustPanic(t, "label -1", func() { OneHot([]int{-1}, 3) })
	mustPanic(t, "0 classes", func() { OneHot([]int{0}, 0) })
	mustPanic(t, "no labels", func() { OneHot(nil, 2) })
}

func TestSubsetCopies(t *testing.T) {
	d := numbered(5)
	s := d.Subset([]int{4, 1, 1})
	if s.Len() != 3 {
		t.Fatalf("Len = %d, want 3", s.Len())
	}
	for r, i := range []int{4, 1, 1} {
		if s.X.At(r, 0) != float64(i) || s.Labels[r] != i%3 || s.Y.At(r, i%3) != 1 {
			t.Fatalf("row %d of the subset is not row %d of the data", r, i)
		}
	}
	s.X.Set(0, 0, 100)
	s.Labels[0] = 0
	s.Classes[0] = "changed"
	s.Features[0] = "changed"
	if d.X.At(4, 0) != 4 || d.Labels[4] != 1 || d.Classes[0] != "a" || d.Features[0] != "f" {
		t.Fatal("changing the subset changed the original")
	}
	mustPanic(t, "row 5 out of range [0, 5)", func() { d.Subset([]int{0, 5}) })
	mustPanic(t, "no rows selected", func() { d.Subset(nil) })

	// Regression data: no labels, no classes.
	r := &Dataset{X: mat.NewDense(3, 1, []float64{1, 2, 3}), Y: mat.NewDense(3, 1, []float64{10, 20, 30})}
	rs := r.Subset([]int{2})
	if rs.Y.At(0, 0) != 30 || rs.Labels != nil || rs.Classes != nil {
		t.Fatalf("regression subset = %+v", rs)
	}
}

func TestLenAndClassCounts(t *testing.T) {
	var empty *Dataset
	if empty.Len() != 0 || (&Dataset{}).Len() != 0 {
		t.Fatal("Len of an empty Dataset is not 0")
	}
	if got := numbered(7).ClassCounts(); !slices.Equal(got, []int{3, 2, 2}) {
		t.Fatalf("ClassCounts = %v, want [3 2 2]", got)
	}
	if got := (&Dataset{X: mat.NewDense(1, 1, nil)}).ClassCounts(); got != nil {
		t.Fatalf("ClassCounts without labels = %v, want nil", got)
	}
}

func TestBatches(t *testing.T) {
	d := numbered(10)
	for _, tc := range []struct {
		name  string
		size  int
		rng   *rand.Rand
		sizes []int
	}{
		{"in order", 4, nil, []int{4, 4, 2}},
		{"shuffled", 4, rand.New(rand.NewPCG(1, 2)), []int{4, 4, 2}},
		{"exact", 5, rand.New(rand.NewPCG(1, 2)), []int{5, 5}},
		{"one batch", 32, nil, []int{10}},
		{"size 1", 1, nil, []int{1, 1, 1, 1, 1, 1, 1, 1, 1, 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var sizes, seen []int
			for x, y := range d.Batches(tc.size, tc.rng) {
				n, c := x.Dims()
				if c != 2 {
					t.Fatalf("x is %d×%d, want n×2", n, c)
				}
				if yn, yc := y.Dims(); yn != n || yc != 3 {
					t.Fatalf("y is %d×%d, want %d×3", yn, yc, n)
				}
				sizes = append(sizes, n)
				for r := range n {
					i := int(x.At(r, 0))
					if x.At(r, 1) != -float64(i) || y.At(r, i%3) != 1 {
						t.Fatalf("batch row %d: x is example %d but y is %v", r, i, mat.Row(nil, r, y))
					}
					seen = append(seen, i)
				}
			}
			if !slices.Equal(sizes, tc.sizes) {
				t.Fatalf("batch sizes %v, want %v", sizes, tc.sizes)
			}
			sorted := slices.Sorted(slices.Values(seen))
			if !slices.Equal(sorted, []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}) {
				t.Fatalf("rows seen %v, want each of 0..9 once", seen)
			}
			if tc.rng == nil && !slices.Equal(seen, sorted) {
				t.Fatalf("without an RNG the rows came as %v, want in order", seen)
			}
			if tc.rng != nil && tc.size < 10 && slices.Equal(seen, sorted) {
				t.Fatal("with an RNG the rows came in order")
			}
		})
	}

	t.Run("new order each epoch", func(t *testing.T) {
		batches := d.Batches(10, rand.New(rand.NewPCG(3, 4)))
		var epochs [][]float64
		for range 2 {
			for x := range batches {
				epochs = append(epochs, mat.Col(nil, 0, x))
			}
		}
		if slices.Equal(epochs[0], epochs[1]) {
			t.Fatalf("two epochs came in the same order %v", epochs[0])
		}
	})

	t.Run("break", func(t *testing.T) {
		count := 0
		for range d.Batches(3, nil) {
			count++
			if count == 2 {
				break
			}
		}
		if count != 2 {
			t.Fatalf("count = %d", count)
		}
	})

	t.Run("no targets", func(t *testing.T) {
		u := &Dataset{X: d.X}
		for x, y := range u.Batches(4, nil) {
			if x == nil || y != nil {
				t.Fatalf("got x %v, y %v; want x and a nil y", x, y)
			}
		}
	})

	t.Run("view with a stride", func(t *testing.T) {
		wide := mat.NewDense(4, 3, []float64{0, 9, 9, 1, 9, 9, 2, 9, 9, 3, 9, 9})
		v := &Dataset{X: wide.Slice(0, 4, 0, 1).(*mat.Dense)}
		var got []float64
		for x := range v.Batches(3, nil) {
			got = append(got, mat.Col(nil, 0, x)...)
		}
		if !slices.Equal(got, []float64{0, 1, 2, 3}) {
			t.Fatalf("got %v", got)
		}
	})

	mustPanic(t, "batch size 0", func() { d.Batches(0, nil) })
}

func TestImageAndASCII(t *testing.T) {
	x := mat.NewDense(2, 4, []float64{
		0, 1, 0.5, 2, // 2×2 image; 2 is clamped to white
		0, 0, 0, 0,
	})
	d := &Dataset{X: x}
	img := d.Image(0)
	if b := img.Bounds(); b.Dx() != 2 || b.Dy() != 2 {
		t.Fatalf("image bounds %v, want 2×2", b)
	}
	if got := []uint8{img.GrayAt(0, 0).Y, img.GrayAt(1, 0).Y, img.GrayAt(0, 1).Y, img.GrayAt(1, 1).Y}; !slices.Equal(got, []uint8{0, 255, 128, 255}) {
		t.Fatalf("pixels %v, want [0 255 128 255]", got)
	}
	// Ramp " .:-=+*#%@": 0 → ' ', 1 → '@', 0.5 → index round(4.5) = 5 → '+'.
	if got := d.ASCII(0); got != " @\n+@\n" {
		t.Fatalf("ASCII = %q, want %q", got, " @\n+@\n")
	}
	mustPanic(t, "not a square", func() { (&Dataset{X: mat.NewDense(1, 3, nil)}).Image(0) })
	mustPanic(t, "row 2 out of range", func() { d.ASCII(2) })
}
