package data

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// envTestData overrides where the tests look for the shared copies of the
// data sets (a folder with iris.csv and mnist-10k/).
const envTestData = "NNLIB_TEST_DATA"

// sharedData returns the folder with the shared test data: $NNLIB_TEST_DATA,
// else ../shared/data next to the repository's root. It skips the test when
// there is none (a learner's clone has no such folder).
func sharedData(t testing.TB) string {
	t.Helper()
	dir := os.Getenv(envTestData)
	if dir == "" {
		root, ok := RepoRoot()
		if !ok {
			t.Skipf("not inside the repository; set %s to a folder with mnist-10k/ to run this test", envTestData)
		}
		dir = filepath.Join(filepath.Dir(root), "shared", "data")
	}
	if _, err := os.Stat(filepath.Join(dir, "mnist-10k")); err != nil {
		t.Skipf("no shared test data in %s; set %s to a folder with mnist-10k/ (the four MNIST .gz files) to run this test", dir, envTestData)
	}
	return dir
}

// idxBytes encodes an unsigned-byte IDX file with the given dimensions;
// data may be shorter or longer than they say, to build broken files.
func idxBytes(dims []int, data []byte) []byte {
	var b bytes.Buffer
	b.Write([]byte{0, 0, 0x08, byte(len(dims))})
	for _, d := range dims {
		binary.Write(&b, binary.BigEndian, uint32(d))
	}
	b.Write(data)
	return b.Bytes()
}

func gzipBytes(b []byte) []byte {
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	w.Write(b)
	w.Close()
	return buf.Bytes()
}

// tinySet returns the four files (in the order of remoteSet.files) of a
// small MNIST-like data set: nTrain and nTest images of 28×28, where image
// i has every pixel equal to i and label i mod 10.
func tinySet(nTrain, nTest int) [4][]byte {
	images := func(n int) []byte {
		pix := make([]byte, n*784)
		for i := range n {
			for p := range 784 {
				pix[i*784+p] = byte(i)
			}
		}
		return gzipBytes(idxBytes([]int{n, 28, 28}, pix))
	}
	labels := func(n int) []byte {
		l := make([]byte, n)
		for i := range l {
			l[i] = byte(i % 10)
		}
		return gzipBytes(idxBytes([]int{n}, l))
	}
	return [4][]byte{images(nTrain), labels(nTrain), images(nTest), labels(nTest)}
}

var setNames = [4]string{"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"}

// writeSet writes the four files into dir under their standard names.
func writeSet(t testing.TB, dir string, files [4][]byte) {
	t.Helper()
	for i, b := range files {
		if err := os.WriteFile(filepath.Join(dir, setNames[i]), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// wantErr fails the test unless err is non-nil and its message contains
// every one of parts.
func wantErr(t testing.TB, err error, parts ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want one containing %q", parts)
	}
	for _, p := range parts {
		if !strings.Contains(err.Error(), p) {
			t.Fatalf("error %q does not contain %q", err, p)
		}
	}
}

// mustPanic fails the test unless f panics with a message containing want.
func mustPanic(t testing.TB, want string, f func()) {
	t.Helper()
	defer func() {
		t.Helper()
		r := recover()
		if r == nil {
			t.Fatalf("no panic, want one containing %q", want)
		}
		if msg, _ := r.(string); !strings.Contains(msg, want) {
			t.Fatalf("panic %v does not contain %q", r, want)
		}
	}()
	f()
}
