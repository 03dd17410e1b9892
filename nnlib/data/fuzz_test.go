package data

import (
	"bytes"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzReadIDX feeds arbitrary bytes to ReadIDX: it must never panic, and
// whatever it accepts must be consistent with its header. Seeds live in
// testdata/fuzz/FuzzReadIDX (a valid file raw and gzipped, truncated data,
// a bad magic number, huge dimensions).
func FuzzReadIDX(f *testing.F) {
	f.Add(idxBytes([]int{2, 2}, []byte{1, 2, 3, 4}))
	f.Add(gzipBytes(idxBytes([]int{3}, []byte{7, 8, 9})))
	f.Fuzz(func(t *testing.T, input []byte) {
		dims, data, err := ReadIDX(bytes.NewReader(input))
		if err != nil {
			if dims != nil || data != nil {
				t.Fatalf("error %v came with data", err)
			}
			if !strings.HasPrefix(err.Error(), "nnlib/data: IDX: ") {
				t.Fatalf("error %q lacks the prefix", err)
			}
			return
		}
		if len(dims) < 1 || len(dims) > maxIDXDims {
			t.Fatalf("accepted %d dimensions", len(dims))
		}
		n := 1
		for _, d := range dims {
			if d < 1 {
				t.Fatalf("accepted dimension %d", d)
			}
			n *= d
		}
		if n != len(data) || n > maxIDXBytes {
			t.Fatalf("dims %v but %d bytes of data", dims, len(data))
		}
		if input[0] != 0x1f && len(input) != 4+4*len(dims)+n {
			t.Fatalf("accepted %d raw bytes for dims %v", len(input), dims)
		}
	})
}

// FuzzLoadCSV writes arbitrary text to a file and loads it the ways a
// notebook would: it must never panic, errors must name the file, and a
// Dataset must be consistent (finite features, labels within the classes).
// Seeds live in testdata/fuzz/FuzzLoadCSV.
func FuzzLoadCSV(f *testing.F) {
	f.Add("a,b,y\n1,2,x\n3,4,z\n")
	f.Add("a,b\n1,\n")
	f.Fuzz(func(t *testing.T, content string) {
		path := filepath.Join(t.TempDir(), "fuzz.csv")
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		df, dfErr := ReadDataFrame(path)
		if dfErr != nil && !strings.Contains(dfErr.Error(), path) {
			t.Fatalf("ReadDataFrame error %q does not name the file", dfErr)
		}
		var names []string
		if dfErr == nil {
			names = df.Names()
			if _, err := FromDataFrame(df, nil, ""); err != nil {
				var fe *FieldError
				if !errors.As(err, &fe) && !strings.Contains(err.Error(), "column") {
					t.Fatalf("FromDataFrame: unexpected error %v", err)
				}
			}
		}
		targets := []string{""}
		if len(names) > 0 {
			targets = append(targets, names[len(names)-1])
		}
		for _, target := range targets {
			d, err := LoadCSV(path, nil, target)
			if err != nil {
				if !strings.Contains(err.Error(), path) {
					t.Fatalf("LoadCSV error %q does not name the file", err)
				}
				continue
			}
			if dfErr != nil {
				t.Fatalf("LoadCSV accepted a file ReadDataFrame refused: %v", dfErr)
			}
			n, dx := d.X.Dims()
			if n != df.Nrow() || dx != len(d.Features) {
				t.Fatalf("X is %d×%d for %d rows and features %v", n, dx, df.Nrow(), d.Features)
			}
			for _, v := range d.X.RawMatrix().Data {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					t.Fatalf("X holds %v", v)
				}
			}
			for _, l := range d.Labels {
				if l < 0 || l >= len(d.Classes) {
					t.Fatalf("label %d with %d classes", l, len(d.Classes))
				}
			}
			if target != "" && d.Y == nil {
				t.Fatal("no Y for a target")
			}
		}
	})
}
