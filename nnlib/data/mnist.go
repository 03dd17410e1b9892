package data

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"gonum.org/v1/gonum/mat"
)

// remoteFile is one published file of a data set.
type remoteFile struct {
	name   string // e.g. "train-images-idx3-ubyte.gz"
	sha256 string // hex SHA-256 of the file as published
	size   int64  // bytes as published; 0 if unknown
}

// remoteSet describes a data set of four IDX files that can be downloaded.
type remoteSet struct {
	title      string        // "MNIST"
	envDir     string        // variable naming the folder itself
	subdir     string        // folder below data/ or $NNLIB_DATA
	systemDirs []string      // folders of system packages, used when the repository's folder lacks the files
	mirrors    []string      // base URLs ending in "/", tried in order
	files      [4]remoteFile // train images, train labels, test images, test labels
	classes    []string      // class names, indexed by label
	hint       string        // a last line for the offline error, or ""
}

// mnist is the MNIST handwritten digits (LeCun, Cortes & Burges): 60,000
// training and 10,000 test images of 28×28 pixels. The SHA-256 values are
// those of the canonical .gz files published by all three mirrors.
var mnist = &remoteSet{
	title:  "MNIST",
	envDir: EnvMNISTDir,
	subdir: "mnist",
	mirrors: []string{
		"https://storage.googleapis.com/cvdf-datasets/mnist/",
		"https://ossci-datasets.s3.amazonaws.com/mnist/",
		"http://yann.lecun.com/exdb/mnist/",
	},
	files: [4]remoteFile{
		{"train-images-idx3-ubyte.gz", "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609", 9912422},
		{"train-labels-idx1-ubyte.gz", "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c", 28881},
		{"t10k-images-idx3-ubyte.gz", "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6", 1648877},
		{"t10k-labels-idx1-ubyte.gz", "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6", 4542},
	},
	classes: []string{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"},
}

// fashionMNIST is Zalando's Fashion-MNIST (Xiao, Rasul & Vollgraf,
// arXiv:1708.07747): the same format and sizes as MNIST, with pictures of
// clothes. The SHA-256 values are those of the files in the project's
// repository (whose published MD5 sums they match).
var fashionMNIST = &remoteSet{
	title:      "Fashion-MNIST",
	envDir:     EnvFashionMNISTDir,
	subdir:     "fashion-mnist",
	systemDirs: []string{"/usr/share/datasets/fashion-mnist"}, // Debian's dataset-fashion-mnist
	mirrors: []string{
		"http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
		"https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/",
	},
	files: [4]remoteFile{
		{"train-images-idx3-ubyte.gz", "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84", 26421880},
		{"train-labels-idx1-ubyte.gz", "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845", 29515},
		{"t10k-images-idx3-ubyte.gz", "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073", 4422102},
		{"t10k-labels-idx1-ubyte.gz", "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5", 5148},
	},
	hint:    "On Debian or Ubuntu, apt-get install dataset-fashion-mnist puts them in /usr/share/datasets/fashion-mnist, which LoadFashionMNIST(\"\") then uses.",
	classes: []string{"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"},
}

// LoadMNIST loads the MNIST handwritten digits from the four standard
// files in dir (train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz,
// t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz, or the same names
// without .gz), downloading those that are missing (see [EnsureMNIST]).
// dir "" means the default folder: $NNLIB_MNIST_DIR, else
// $NNLIB_DATA/mnist, else the repository's data/mnist.
//
// For each split, with n taken from the files' headers (60,000 and 10,000
// for the full data set):
//
//	X       n×784  pixel intensities / 255, in [0, 1], one 28×28 image per row, row by row
//	Y       n×10   one-hot digits
//	Labels  n      the digit, 0..9
//	Classes        "0" … "9"
//
// Errors name the file: a missing file that could not be downloaded (with
// what to do offline), a damaged IDX or gzip file, image and label counts
// that differ, or a label outside 0..9.
func LoadMNIST(dir string) (train, test *Dataset, err error) {
	return mnist.load(dir)
}

// LoadFashionMNIST loads Fashion-MNIST the way [LoadMNIST] loads MNIST,
// from $NNLIB_FASHION_MNIST_DIR, $NNLIB_DATA/fashion-mnist or the
// repository's data/fashion-mnist when dir is "" (or Debian's
// /usr/share/datasets/fashion-mnist when that one lacks the files). The
// Classes are T-shirt/top, Trouser, Pullover, Dress, Coat, Sandal, Shirt,
// Sneaker, Bag and Ankle boot.
func LoadFashionMNIST(dir string) (train, test *Dataset, err error) {
	return fashionMNIST.load(dir)
}

// EnsureMNIST makes sure the four MNIST files are in dir (dir "" means the
// default folder of [LoadMNIST]), downloading the missing ones, and
// returns the folder. Downloads are verified against the published SHA-256
// and written under their final name only once complete; progress goes to
// [Progress]. Files already present are left alone.
func EnsureMNIST(dir string) (string, error) { return mnist.ensure(dir) }

// EnsureFashionMNIST is [EnsureMNIST] for Fashion-MNIST.
func EnsureFashionMNIST(dir string) (string, error) { return fashionMNIST.ensure(dir) }

// defaultDir returns the folder a dir of "" stands for.
func (s *remoteSet) defaultDir() string {
	if d := os.Getenv(s.envDir); d != "" {
		return d
	}
	if root := os.Getenv(EnvDataRoot); root != "" {
		return filepath.Join(root, s.subdir)
	}
	d := repoDataPath(s.subdir)
	if !s.complete(d) {
		for _, sys := range s.systemDirs {
			if s.complete(sys) {
				return sys
			}
		}
	}
	return d
}

// find returns the path of f in dir, compressed or not.
func (s *remoteSet) find(dir string, f remoteFile) (string, bool) {
	for _, name := range []string{f.name, strings.TrimSuffix(f.name, ".gz")} {
		p := filepath.Join(dir, name)
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
			return p, true
		}
	}
	return "", false
}

// complete reports whether dir has all four files.
func (s *remoteSet) complete(dir string) bool {
	for _, f := range s.files {
		if _, ok := s.find(dir, f); !ok {
			return false
		}
	}
	return true
}

func (s *remoteSet) load(dir string) (train, test *Dataset, err error) {
	dir, err = s.ensure(dir)
	if err != nil {
		return nil, nil, err
	}
	paths := make([]string, 4)
	for i, f := range s.files {
		paths[i], _ = s.find(dir, f)
	}
	if train, err = s.loadSplit(paths[0], paths[1]); err != nil {
		return nil, nil, err
	}
	if test, err = s.loadSplit(paths[2], paths[3]); err != nil {
		return nil, nil, err
	}
	return train, test, nil
}

// loadSplit reads an images file and its labels file into a Dataset.
func (s *remoteSet) loadSplit(imagesPath, labelsPath string) (*Dataset, error) {
	dims, pix, err := ReadIDXFile(imagesPath)
	if err != nil {
		return nil, err
	}
	if len(dims) != 3 {
		return nil, fmt.Errorf("nnlib/data: %s: an images file has 3 dimensions (count, rows, columns), this one has %d (%s); are the files swapped?",
			imagesPath, len(dims), joinDims(dims))
	}
	ldims, labels, err := ReadIDXFile(labelsPath)
	if err != nil {
		return nil, err
	}
	if len(ldims) != 1 {
		return nil, fmt.Errorf("nnlib/data: %s: a labels file has 1 dimension, this one has %d (%s); are the files swapped?",
			labelsPath, len(ldims), joinDims(ldims))
	}
	n, size := dims[0], dims[1]*dims[2]
	if ldims[0] != n {
		return nil, fmt.Errorf("nnlib/data: %s: %d labels, but %s has %d images", labelsPath, ldims[0], imagesPath, n)
	}
	k := len(s.classes)
	ls := make([]int, n)
	for i, l := range labels {
		if int(l) >= k {
			return nil, fmt.Errorf("nnlib/data: %s: label %d at index %d is outside 0..%d", labelsPath, l, i, k-1)
		}
		ls[i] = int(l)
	}
	x := make([]float64, len(pix))
	for i, p := range pix {
		x[i] = float64(p) / 255
	}
	return &Dataset{
		X:       mat.NewDense(n, size, x),
		Y:       OneHot(ls, k),
		Labels:  ls,
		Classes: cloneStrings(s.classes),
	}, nil
}

func joinDims(dims []int) string {
	parts := make([]string, len(dims))
	for i, d := range dims {
		parts[i] = strconv.Itoa(d)
	}
	return strings.Join(parts, "×")
}
