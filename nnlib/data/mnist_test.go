package data

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/floats/scalar"
	"gonum.org/v1/gonum/mat"
)

func TestLoadMNISTShared(t *testing.T) {
	dir := filepath.Join(sharedData(t), "mnist-10k")
	train, test, err := LoadMNIST(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []struct {
		name string
		d    *Dataset
	}{{"train", train}, {"test", test}} {
		if r, c := s.d.X.Dims(); r != 10000 || c != 784 {
			t.Fatalf("%s X is %d×%d, want 10000×784", s.name, r, c)
		}
		if r, c := s.d.Y.Dims(); r != 10000 || c != 10 {
			t.Fatalf("%s Y is %d×%d, want 10000×10", s.name, r, c)
		}
		px := s.d.X.RawMatrix().Data
		if lo, hi := floats.Min(px), floats.Max(px); lo != 0 || hi != 1 {
			t.Fatalf("%s pixels in [%v, %v], want [0, 1]", s.name, lo, hi)
		}
		if !mat.Equal(s.d.Y, OneHot(s.d.Labels, 10)) {
			t.Fatalf("%s Y is not OneHot(Labels)", s.name)
		}
		if !slices.Equal(s.d.Classes, []string{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"}) {
			t.Fatalf("%s Classes = %v", s.name, s.d.Classes)
		}
	}
	// The official test set starts 7 2 1 0 4 1 4 9 5 9 and ends 2 3 4 5 6.
	if got := test.Labels[:10]; !slices.Equal(got, []int{7, 2, 1, 0, 4, 1, 4, 9, 5, 9}) {
		t.Errorf("first test labels %v", got)
	}
	if got := test.Labels[9995:]; !slices.Equal(got, []int{2, 3, 4, 5, 6}) {
		t.Errorf("last test labels %v", got)
	}
	if got := test.ClassCounts(); !slices.Equal(got, []int{980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009}) {
		t.Errorf("test class counts %v", got)
	}
	// The 10k training subset (read from the file: first labels 6 5 1 2 7
	// 6 6 7 8 8, last 7 4 0 1 7) and its class counts from the README.
	if got := train.Labels[:10]; !slices.Equal(got, []int{6, 5, 1, 2, 7, 6, 6, 7, 8, 8}) {
		t.Errorf("first train labels %v", got)
	}
	if got := train.Labels[9995:]; !slices.Equal(got, []int{7, 4, 0, 1, 7}) {
		t.Errorf("last train labels %v", got)
	}
	if got := train.ClassCounts(); !slices.Equal(got, []int{1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978}) {
		t.Errorf("train class counts %v", got)
	}
	// Pixel sums of image 0 (in bytes: 29223 for train, 18454 for test)
	// check the scaling by 1/255 and the row layout.
	for _, s := range []struct {
		d   *Dataset
		sum float64
	}{{train, 29223}, {test, 18454}} {
		if got := floats.Sum(mat.Row(nil, 0, s.d.X)) * 255; !scalar.EqualWithinAbs(got, s.sum, 1e-6) {
			t.Errorf("pixel sum of image 0 = %v, want %v", got, s.sum)
		}
	}

	// The same data through the environment variable.
	t.Setenv(EnvMNISTDir, dir)
	_, test2, err := LoadMNIST("")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(test2.Labels, test.Labels) {
		t.Fatal("NNLIB_MNIST_DIR gave different data")
	}
}

// TestMNISTTestChecksums checks the published SHA-256 of the two test files
// against the canonical copies in the shared folder.
func TestMNISTTestChecksums(t *testing.T) {
	dir := filepath.Join(sharedData(t), "mnist-10k")
	for _, f := range mnist.files[2:] {
		b, err := os.ReadFile(filepath.Join(dir, f.name))
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(b)
		if got := hex.EncodeToString(sum[:]); got != f.sha256 || int64(len(b)) != f.size {
			t.Errorf("%s: SHA-256 %s, %d bytes; the table says %s, %d bytes", f.name, got, len(b), f.sha256, f.size)
		}
	}
}

func TestLoadMNISTTiny(t *testing.T) {
	dir := t.TempDir()
	writeSet(t, dir, tinySet(12, 5))
	train, test, err := LoadMNIST(dir)
	if err != nil {
		t.Fatal(err)
	}
	if train.Len() != 12 || test.Len() != 5 {
		t.Fatalf("sizes %d and %d, want 12 and 5", train.Len(), test.Len())
	}
	for i := range 12 {
		if train.Labels[i] != i%10 || train.X.At(i, 0) != float64(i)/255 || train.X.At(i, 783) != float64(i)/255 {
			t.Fatalf("image %d: label %d, pixels %v…%v", i, train.Labels[i], train.X.At(i, 0), train.X.At(i, 783))
		}
	}

	// Uncompressed files under the names without .gz work too.
	plain := t.TempDir()
	for i, name := range setNames {
		b, _ := os.ReadFile(filepath.Join(dir, name))
		_, raw, _ := ReadIDX(bytes.NewReader(b))
		dims := []int{12, 28, 28}
		switch i {
		case 1:
			dims = []int{12}
		case 2:
			dims = []int{5, 28, 28}
		case 3:
			dims = []int{5}
		}
		name = name[:len(name)-len(".gz")]
		if err := os.WriteFile(filepath.Join(plain, name), idxBytes(dims, raw), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	train2, _, err := LoadMNIST(plain)
	if err != nil {
		t.Fatal(err)
	}
	if !mat.Equal(train2.X, train.X) {
		t.Fatal("the uncompressed files gave different data")
	}
}

func TestLoadMNISTCorrupt(t *testing.T) {
	good := tinySet(6, 4)
	cases := []struct {
		name string
		file int // which file to replace
		data []byte
		want []string
	}{
		{"truncated gzip", 0, good[0][:len(good[0])/2], []string{"train-images-idx3-ubyte.gz: corrupt gzip data"}},
		{"corrupt gzip bytes", 2, flipMiddle(good[2]), []string{"t10k-images-idx3-ubyte.gz: corrupt gzip data"}},
		{"wrong magic", 1, gzipBytes([]byte{0, 1, 8, 1, 0, 0, 0, 6, 0, 1, 2, 3, 4, 5}), []string{"train-labels-idx1-ubyte.gz: not an IDX file"}},
		{"dims do not match bytes", 3, gzipBytes(idxBytes([]int{5}, []byte{1, 2, 3, 4})), []string{"t10k-labels-idx1-ubyte.gz: truncated: header says 5 = 5 bytes, file has 4"}},
		{"count mismatch", 1, gzipBytes(idxBytes([]int{5}, []byte{1, 2, 3, 4, 5})), []string{"train-labels-idx1-ubyte.gz: 5 labels, but ", "train-images-idx3-ubyte.gz has 6 images"}},
		{"label out of range", 3, gzipBytes(idxBytes([]int{4}, []byte{1, 2, 3, 12})), []string{"t10k-labels-idx1-ubyte.gz: label 12 at index 3 is outside 0..9"}},
		{"swapped files", 0, good[1], []string{"train-images-idx3-ubyte.gz: an images file has 3 dimensions", "this one has 1 (6)", "swapped"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			files := good
			files[tc.file] = tc.data
			dir := t.TempDir()
			writeSet(t, dir, files)
			train, test, err := LoadMNIST(dir)
			wantErr(t, err, append([]string{"nnlib/data: " + dir}, tc.want...)...)
			if train != nil || test != nil {
				t.Fatal("data returned with the error")
			}
		})
	}

	// A real file cut short, as an interrupted copy would leave it.
	t.Run("real file truncated", func(t *testing.T) {
		src := filepath.Join(sharedData(t), "mnist-10k")
		dir := t.TempDir()
		files := good
		b, err := os.ReadFile(filepath.Join(src, "t10k-images-idx3-ubyte.gz"))
		if err != nil {
			t.Fatal(err)
		}
		files[2] = b[:len(b)*2/3]
		files[3] = gzipBytes(idxBytes([]int{10000}, make([]byte, 10000)))
		writeSet(t, dir, files)
		_, _, err = LoadMNIST(dir)
		wantErr(t, err, "t10k-images-idx3-ubyte.gz: corrupt gzip data (damaged or incomplete download?): unexpected EOF")
	})
}

// flipMiddle returns b with a byte in the middle of its deflate data inverted.
func flipMiddle(b []byte) []byte {
	c := slices.Clone(b)
	c[len(c)/2] ^= 0xff
	return c
}

func TestLoadFashionMNISTDebian(t *testing.T) {
	if testing.Short() {
		t.Skip("loads 70,000 images; skipped with -short")
	}
	dir := "/usr/share/datasets/fashion-mnist"
	if !fashionMNIST.complete(dir) {
		t.Skipf("%s not found (apt-get install dataset-fashion-mnist)", dir)
	}
	train, test, err := LoadFashionMNIST(dir)
	if err != nil {
		t.Fatal(err)
	}
	if train.Len() != 60000 || test.Len() != 10000 {
		t.Fatalf("sizes %d and %d, want 60000 and 10000", train.Len(), test.Len())
	}
	if _, c := train.X.Dims(); c != 784 {
		t.Fatalf("%d pixels per image, want 784", c)
	}
	// Fashion-MNIST is balanced: 6000 training and 1000 test images a class.
	for _, s := range []struct {
		d    *Dataset
		each int
	}{{train, 6000}, {test, 1000}} {
		for c, n := range s.d.ClassCounts() {
			if n != s.each {
				t.Fatalf("class %d (%s) has %d images, want %d", c, s.d.Classes[c], n, s.each)
			}
		}
	}
	if train.Classes[0] != "T-shirt/top" || train.Classes[9] != "Ankle boot" {
		t.Fatalf("Classes = %v", train.Classes)
	}
	// The first test image is an ankle boot, the second a pullover.
	if test.Labels[0] != 9 || test.Labels[1] != 2 {
		t.Fatalf("first test labels %v", test.Labels[:2])
	}
}

func TestDefaultDir(t *testing.T) {
	root, ok := RepoRoot()
	if !ok {
		t.Skip("not inside the repository")
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatal(err)
	}
	t.Setenv(EnvMNISTDir, "")
	t.Setenv(EnvDataRoot, "")
	if got, want := mnist.defaultDir(), filepath.Join(root, "data", "mnist"); got != want {
		t.Errorf("default MNIST dir %s, want %s", got, want)
	}
	if got, want := IrisPath(), filepath.Join(root, "data", "iris.csv"); got != want {
		t.Errorf("IrisPath() = %s, want %s", got, want)
	}

	t.Setenv(EnvDataRoot, "/somewhere")
	if got := mnist.defaultDir(); got != "/somewhere/mnist" {
		t.Errorf("with NNLIB_DATA: %s", got)
	}
	if got := fashionMNIST.defaultDir(); got != "/somewhere/fashion-mnist" {
		t.Errorf("with NNLIB_DATA: %s", got)
	}
	if got, want := IrisPath(), filepath.Join(root, "data", "iris.csv"); got != want {
		t.Errorf("with NNLIB_DATA lacking iris.csv: IrisPath() = %s, want %s", got, want)
	}
	dataRoot := t.TempDir()
	os.WriteFile(filepath.Join(dataRoot, "iris.csv"), nil, 0o644)
	t.Setenv(EnvDataRoot, dataRoot)
	if got, want := IrisPath(), filepath.Join(dataRoot, "iris.csv"); got != want {
		t.Errorf("with NNLIB_DATA: IrisPath() = %s, want %s", got, want)
	}
	t.Setenv(EnvMNISTDir, "/digits")
	if got := mnist.defaultDir(); got != "/digits" {
		t.Errorf("NNLIB_MNIST_DIR does not win over NNLIB_DATA: %s", got)
	}

	// Outside the repository: ./data/mnist, or a system copy when complete.
	t.Setenv(EnvMNISTDir, "")
	t.Setenv(EnvDataRoot, "")
	t.Chdir(t.TempDir())
	if _, ok := RepoRoot(); ok {
		t.Fatal("RepoRoot found a repository in a temporary folder")
	}
	if got := mnist.defaultDir(); got != filepath.Join("data", "mnist") {
		t.Errorf("outside the repository: %s", got)
	}
	sys := t.TempDir()
	writeSet(t, sys, tinySet(1, 1))
	saved := fashionMNIST.systemDirs
	t.Cleanup(func() { fashionMNIST.systemDirs = saved })
	fashionMNIST.systemDirs = []string{"/nonexistent", sys}
	if got := fashionMNIST.defaultDir(); got != sys {
		t.Errorf("with a complete system copy: %s, want %s", got, sys)
	}
}

func TestGoModModule(t *testing.T) {
	dir := t.TempDir()
	for content, want := range map[string]string{
		"module github.com/nnfromscratch/nngo\n\ngo 1.24\n":      modulePath,
		"// comment\nmodule \"github.com/nnfromscratch/nngo\"\n": modulePath,
		"module example.com/other // note\n":                     "example.com/other",
		"go 1.24\n":                                              "",
	} {
		path := filepath.Join(dir, "go.mod")
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		if got := goModModule(path); got != want {
			t.Errorf("goModModule(%q) = %q, want %q", content, got, want)
		}
	}
}
