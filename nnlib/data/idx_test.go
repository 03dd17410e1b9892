package data

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"testing"
)

func TestReadIDXValid(t *testing.T) {
	pix := []byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}
	for _, tc := range []struct {
		name string
		dims []int
	}{{"1 dimension", []int{12}}, {"3 dimensions", []int{3, 2, 2}}, {"4 dimensions", []int{1, 2, 3, 2}}} {
		raw := idxBytes(tc.dims, pix)
		for _, enc := range []struct {
			name string
			b    []byte
		}{{"raw", raw}, {"gzip", gzipBytes(raw)}} {
			dims, data, err := ReadIDX(bytes.NewReader(enc.b))
			if err != nil {
				t.Fatalf("%s, %s: %v", tc.name, enc.name, err)
			}
			if !slices.Equal(dims, tc.dims) || !bytes.Equal(data, pix) {
				t.Fatalf("%s, %s: got dims %v data %v", tc.name, enc.name, dims, data)
			}
		}
	}
}

func TestReadIDXErrors(t *testing.T) {
	good := gzipBytes(idxBytes([]int{3, 2, 2}, make([]byte, 12)))
	badCRC := slices.Clone(good)
	badCRC[len(badCRC)-8] ^= 0xff // the CRC-32 in the gzip trailer
	for _, tc := range []struct {
		name  string
		input []byte
		want  string
	}{
		{"empty", nil, "IDX: empty file"},
		{"empty gzip", gzipBytes(nil), "empty file"},
		{"one byte", []byte{0}, "truncated: only 1 of the 4 bytes of the IDX magic number"},
		{"bad magic", []byte{0x12, 0x34, 0x08, 0x01, 0, 0, 0, 1, 7}, "not an IDX file: magic number 0x12340801"},
		{"text file", []byte("label,x\n1,2\n"), "not an IDX file"},
		{"float elements", []byte{0, 0, 0x0D, 1, 0, 0, 0, 1, 0, 0, 0, 0}, "element type 0x0d (32-bit float) is not supported"},
		{"no dimensions", []byte{0, 0, 8, 0}, "IDX header has 0 dimensions, want 1 to 4"},
		{"too many dimensions", []byte{0, 0, 8, 9}, "IDX header has 9 dimensions"},
		{"short header", []byte{0, 0, 8, 3, 0, 0, 0, 10, 0, 0}, "truncated: the header needs 12 bytes for 3 dimensions, file has 6"},
		{"zero dimension", idxBytes([]int{10, 0, 28}, nil), "dimension 2 of 3 is 0"},
		{"huge dimensions", idxBytes([]int{0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF}, nil), "IDX header says 4294967295×4294967295×4294967295 bytes, more than the 1073741824-byte limit"},
		{"just over the limit", idxBytes([]int{1 << 15, 1 << 15, 2}, nil), "more than the 1073741824-byte limit"},
		{"truncated data", idxBytes([]int{10000, 28, 28}, make([]byte, 1234)), "truncated: header says 10000×28×28 = 7840000 bytes, file has 1234"},
		{"truncated gzip data", gzipBytes(idxBytes([]int{3, 2, 2}, make([]byte, 5))), "truncated: header says 3×2×2 = 12 bytes, file has 5"},
		{"extra bytes", idxBytes([]int{3, 2, 2}, make([]byte, 15)), "3 bytes after the 3×2×2 = 12 the header announces"},
		{"cut gzip stream", good[:len(good)-10], "corrupt gzip data"},
		{"gzip CRC mismatch", badCRC, "corrupt gzip data (damaged or incomplete download?): gzip: invalid checksum"},
		{"gzip header only", good[:10], "corrupt gzip data"},
		{"gzip magic, nothing else", []byte{0x1f, 0x8b}, "corrupt gzip data"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dims, data, err := ReadIDX(bytes.NewReader(tc.input))
			wantErr(t, err, "nnlib/data: IDX: ", tc.want)
			if dims != nil || data != nil {
				t.Fatalf("got dims %v and %d bytes with the error", dims, len(data))
			}
		})
	}
}

// TestReadIDXCorruptHeaderAllocation checks that a header announcing a
// gigabyte does not make ReadIDX allocate one before the data is there.
func TestReadIDXCorruptHeaderAllocation(t *testing.T) {
	input := idxBytes([]int{1 << 14, 1 << 8, 1 << 8}, make([]byte, 100)) // says 1 GiB, has 100 bytes
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, _, err := ReadIDX(bytes.NewReader(input))
	runtime.ReadMemStats(&after)
	wantErr(t, err, "truncated: header says 16384×256×256 = 1073741824 bytes, file has 100")
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 4<<20 {
		t.Fatalf("ReadIDX allocated %d bytes for a 116-byte input", alloc)
	}
}

func TestReadIDXFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "broken-idx1-ubyte.gz")
	if err := os.WriteFile(path, gzipBytes(idxBytes([]int{5}, []byte{1, 2})), 0o644); err != nil {
		t.Fatal(err)
	}
	_, _, err := ReadIDXFile(path)
	wantErr(t, err, "nnlib/data: "+path+": truncated: header says 5 = 5 bytes, file has 2")

	_, _, err = ReadIDXFile(filepath.Join(dir, "absent"))
	wantErr(t, err, "absent", "no such file")
}
