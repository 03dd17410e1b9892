package data

import (
	"fmt"
	"image"
	"iter"
	"math"
	"math/rand/v2"
	"strings"

	"gonum.org/v1/gonum/mat"
)

// Dataset is a table of examples, one per row.
//
//	X       n×d  features
//	Y       n×k  one-hot targets (k classes), or n×1 targets for regression
//	Labels  n    class of each row, an index into Classes (nil for regression)
//	Classes k    class names (nil for regression)
//
// For classification Y is OneHot(Labels, len(Classes)): Y[i][c] = 1 when
// Labels[i] = c, else 0. Y is nil for a table loaded without a target.
type Dataset struct {
	X, Y     *mat.Dense
	Labels   []int
	Classes  []string
	Features []string // names of X's columns when they came from a table; nil for images
}

// Len returns the number of examples n, the number of rows of X.
func (d *Dataset) Len() int {
	if d == nil || d.X == nil {
		return 0
	}
	n, _ := d.X.Dims()
	return n
}

// Subset returns a new Dataset with the rows idx of d, in that order (an
// index may repeat). X, Y and Labels are copies; Classes and Features are
// copied too, so changing the subset never changes d. It panics if idx is
// empty (gonum matrices have at least one row) or holds an index outside
// 0 ≤ i < d.Len().
func (d *Dataset) Subset(idx []int) *Dataset {
	n := d.Len()
	if len(idx) == 0 {
		panic("data: Dataset.Subset: no rows selected (a matrix needs at least one row)")
	}
	for _, i := range idx {
		if i < 0 || i >= n {
			panic(fmt.Sprintf("data: Dataset.Subset: row %d out of range [0, %d)", i, n))
		}
	}
	s := &Dataset{
		X:        copyRows(d.X, idx),
		Classes:  cloneStrings(d.Classes),
		Features: cloneStrings(d.Features),
	}
	if d.Y != nil {
		s.Y = copyRows(d.Y, idx)
	}
	if d.Labels != nil {
		s.Labels = make([]int, len(idx))
		for k, i := range idx {
			s.Labels[k] = d.Labels[i]
		}
	}
	return s
}

// ClassCounts returns how many rows of d belong to each class:
// counts[c] = #{i : Labels[i] = c}, with len(counts) = len(Classes).
// It returns nil for a regression data set.
func (d *Dataset) ClassCounts() []int {
	if d.Labels == nil {
		return nil
	}
	k := len(d.Classes)
	for _, l := range d.Labels {
		k = max(k, l+1)
	}
	counts := make([]int, k)
	for _, l := range d.Labels {
		counts[l]++
	}
	return counts
}

// Batches iterates over d in mini-batches of size rows: x is m×d and y m×k
// (nil when d.Y is nil), with m = size except for the last batch, which
// holds the n mod size remaining rows when n is not a multiple of size.
// Row r of x and row r of y always belong to the same example.
//
// With rng non-nil each range over the result visits the rows in a new
// random order (one permutation per epoch); with rng nil they come in
// order. The batch matrices are reused from one batch to the next: they are
// valid until the loop body returns, so use mat.DenseCopyOf to keep one.
//
//	for x, y := range train.Batches(32, rng) {
//		// one SGD step on x (32×d) and y (32×k)
//	}
//
// It panics if size < 1.
func (d *Dataset) Batches(size int, rng *rand.Rand) iter.Seq2[*mat.Dense, *mat.Dense] {
	if size < 1 {
		panic(fmt.Sprintf("data: Dataset.Batches: batch size %d, want ≥ 1", size))
	}
	return func(yield func(x, y *mat.Dense) bool) {
		n := d.Len()
		if n == 0 {
			return
		}
		order := make([]int, n)
		for i := range order {
			order[i] = i
		}
		if rng != nil {
			rng.Shuffle(n, func(i, j int) { order[i], order[j] = order[j], order[i] })
		}
		var full, last [2]*mat.Dense // x and y buffers for whole batches and for the last one
		for start := 0; start < n; start += size {
			rows := order[start:min(start+size, n)]
			buf := &full
			if len(rows) < size {
				buf = &last
			}
			if buf[0] == nil {
				_, c := d.X.Dims()
				buf[0] = mat.NewDense(len(rows), c, nil)
				if d.Y != nil {
					_, k := d.Y.Dims()
					buf[1] = mat.NewDense(len(rows), k, nil)
				}
			}
			gatherRows(buf[0], d.X, rows)
			if d.Y != nil {
				gatherRows(buf[1], d.Y, rows)
			}
			if !yield(buf[0], buf[1]) {
				return
			}
		}
	}
}

// Image returns example i as a grayscale image, for data sets whose rows
// are square images stored row by row with values in [0, 1] (MNIST: 784
// values → 28×28). Pixel (x, y) is X[i][y·side + x]·255, rounded and
// clamped to 0..255, so 0 is black and 1 white. It panics if i is out of
// range or the row length is not a square.
func (d *Dataset) Image(i int) *image.Gray {
	side := d.imageSide("Image", i)
	img := image.NewGray(image.Rect(0, 0, side, side))
	for p := range side * side {
		v := math.Round(d.X.At(i, p) * 255)
		img.Pix[p] = uint8(min(max(v, 0), 255))
	}
	return img
}

// ASCII draws example i as text, one line per image row and one character
// per pixel, darker to brighter as " .:-=+*#%@". It is a quick look at a
// digit where images cannot be shown. It panics like [Dataset.Image].
func (d *Dataset) ASCII(i int) string {
	const ramp = " .:-=+*#%@"
	side := d.imageSide("ASCII", i)
	var b strings.Builder
	for y := range side {
		for x := range side {
			v := min(max(d.X.At(i, y*side+x), 0), 1)
			b.WriteByte(ramp[int(math.Round(v*float64(len(ramp)-1)))])
		}
		b.WriteByte('\n')
	}
	return b.String()
}

func (d *Dataset) imageSide(op string, i int) int {
	n := d.Len()
	if i < 0 || i >= n {
		panic(fmt.Sprintf("data: Dataset.%s: row %d out of range [0, %d)", op, i, n))
	}
	_, c := d.X.Dims()
	side := int(math.Round(math.Sqrt(float64(c))))
	if side*side != c {
		panic(fmt.Sprintf("data: Dataset.%s: rows have %d values, not a square image", op, c))
	}
	return side
}

// OneHot returns the n×classes matrix Y with Y[i][labels[i]] = 1 and every
// other entry 0, the target format of softmax cross-entropy. It panics if
// labels is empty, classes < 1, or a label is outside 0 ≤ label < classes.
func OneHot(labels []int, classes int) *mat.Dense {
	if len(labels) == 0 {
		panic("data: OneHot: no labels")
	}
	if classes < 1 {
		panic(fmt.Sprintf("data: OneHot: %d classes, want ≥ 1", classes))
	}
	y := mat.NewDense(len(labels), classes, nil)
	raw := y.RawMatrix()
	for i, l := range labels {
		if l < 0 || l >= classes {
			panic(fmt.Sprintf("data: OneHot: label %d at index %d outside 0..%d", l, i, classes-1))
		}
		raw.Data[i*raw.Stride+l] = 1
	}
	return y
}

// copyRows returns a new len(idx)×c matrix with rows idx of m.
func copyRows(m *mat.Dense, idx []int) *mat.Dense {
	_, c := m.Dims()
	dst := mat.NewDense(len(idx), c, nil)
	gatherRows(dst, m, idx)
	return dst
}

// gatherRows sets row r of dst to row idx[r] of src; dst is len(idx)×c.
func gatherRows(dst, src *mat.Dense, idx []int) {
	s, t := src.RawMatrix(), dst.RawMatrix()
	c := s.Cols
	for r, i := range idx {
		copy(t.Data[r*t.Stride:r*t.Stride+c], s.Data[i*s.Stride:i*s.Stride+c])
	}
}

func cloneStrings(s []string) []string {
	if s == nil {
		return nil
	}
	return append([]string(nil), s...)
}
