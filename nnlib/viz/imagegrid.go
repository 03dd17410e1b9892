package viz

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"math"
	"strings"

	xfont "golang.org/x/image/font"
	"golang.org/x/image/math/fixed"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/plot/font"
)

// ImageScale is how many screen pixels ImageGrid uses per image pixel:
// a 28×28 MNIST digit becomes 84×84.
const ImageScale = 3

// Layout of ImageGrid, in pixels.
const (
	imagePad    = 8  // space between and around cells
	captionSize = 14 // caption font size
)

// ImageGrid lays out the rows of images as side×side greyscale pictures
// (row-major pixels, 0 black and 1 white, values outside [0, 1] clipped),
// cols to a row, each scaled up ImageScale times, with captions[i] under
// image i. captions may be nil; otherwise it needs one entry per row. A
// caption "t → p" with t ≠ p (true → predicted) is drawn in vermillion so
// that mistakes stand out:
//
//	img, err := viz.ImageGrid(test.X.Slice(0, 20, 0, 784).(*mat.Dense), 28, 10, captions)
//	err = viz.ShowImage(img)
//
// It returns an error when a row does not have side·side values, when
// cols < 1, when captions has the wrong length, and for NaN or ±Inf
// pixels.
func ImageGrid(images *mat.Dense, side, cols int, captions []string) (image.Image, error) {
	if images == nil {
		return nil, fmt.Errorf("viz: ImageGrid: images is nil")
	}
	n, d := images.Dims()
	if side < 1 || d != side*side {
		return nil, fmt.Errorf("viz: ImageGrid: images is %d×%d, but %d×%d pictures need %d values per row; check side (28 for MNIST)", n, d, side, side, side*side)
	}
	if cols < 1 {
		return nil, fmt.Errorf("viz: ImageGrid: cols is %d; pass at least 1", cols)
	}
	if captions != nil && len(captions) != n {
		return nil, fmt.Errorf("viz: ImageGrid: %d captions for %d images; pass one per image, or nil", len(captions), n)
	}
	for i := range n {
		for j := range d {
			if v := images.At(i, j); math.IsNaN(v) || math.IsInf(v, 0) {
				bad, sentinel := describe(v)
				return nil, &dataError{msg: fmt.Sprintf("viz: ImageGrid: pixel %d of image %d is %s; images must be finite", j, i, bad), err: sentinel}
			}
		}
	}

	fc := font.DefaultCache.Lookup(sans, font.Length(captionSize))
	face := fc.FontFace(72) // 72 dpi: one point is one pixel
	defer face.Close()
	cellW := side * ImageScale
	captionH := 0
	if captions != nil {
		for _, c := range captions {
			cellW = max(cellW, xfont.MeasureString(face, c).Ceil()+4)
		}
		m := face.Metrics()
		captionH = (m.Ascent + m.Descent).Ceil() + 4
	}
	cellH := side*ImageScale + captionH
	cols = min(cols, max(n, 1))
	rows := (n + cols - 1) / cols
	w := cols*cellW + (cols+1)*imagePad
	h := max(rows, 1)*cellH + (max(rows, 1)+1)*imagePad
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)

	for i := range n {
		x0 := imagePad + (i%cols)*(cellW+imagePad)
		y0 := imagePad + (i/cols)*(cellH+imagePad)
		ix := x0 + (cellW-side*ImageScale)/2
		for py := range side {
			for px := range side {
				v := math.Min(1, math.Max(0, images.At(i, py*side+px)))
				g := color.Gray{Y: uint8(math.Round(v * 255))}
				r := image.Rect(ix+px*ImageScale, y0+py*ImageScale, ix+(px+1)*ImageScale, y0+(py+1)*ImageScale)
				draw.Draw(img, r, image.NewUniform(g), image.Point{}, draw.Src)
			}
		}
		if captions == nil {
			continue
		}
		ink := color.Color(color.Gray{Y: 0x1A})
		if mistaken(captions[i]) {
			ink = Color(1)
		}
		tw := xfont.MeasureString(face, captions[i]).Ceil()
		dr := xfont.Drawer{
			Dst:  img,
			Src:  image.NewUniform(ink),
			Face: face,
			Dot:  fixed.P(x0+(cellW-tw)/2, y0+side*ImageScale+2+face.Metrics().Ascent.Ceil()),
		}
		dr.DrawString(captions[i])
	}
	return img, nil
}

// mistaken reports whether a caption reads "t → p" with t ≠ p.
func mistaken(caption string) bool {
	t, p, ok := strings.Cut(caption, "→")
	return ok && strings.TrimSpace(t) != strings.TrimSpace(p)
}
