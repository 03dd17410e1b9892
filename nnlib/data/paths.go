package data

import (
	"bufio"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Environment variables that choose where data sets are read from and
// downloaded to (see the package documentation for the full order).
const (
	// EnvDataRoot names a data root: $NNLIB_DATA/iris.csv,
	// $NNLIB_DATA/mnist and $NNLIB_DATA/fashion-mnist.
	EnvDataRoot = "NNLIB_DATA"
	// EnvMNISTDir names the folder that holds the four MNIST files.
	EnvMNISTDir = "NNLIB_MNIST_DIR"
	// EnvFashionMNISTDir names the folder that holds the four
	// Fashion-MNIST files.
	EnvFashionMNISTDir = "NNLIB_FASHION_MNIST_DIR"
)

// modulePath is the module whose go.mod marks the repository's root.
const modulePath = "github.com/nnfromscratch/nngo"

// RepoRoot returns the root of the course repository: the nearest folder,
// walking up from the working directory, whose go.mod declares module
// github.com/nnfromscratch/nngo. ok is false outside the repository.
func RepoRoot() (root string, ok bool) {
	dir, err := os.Getwd()
	if err != nil {
		return "", false
	}
	for {
		if goModModule(filepath.Join(dir, "go.mod")) == modulePath {
			return dir, true
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", false
		}
		dir = parent
	}
}

// goModModule returns the module path declared in the go.mod file at path,
// or "" if there is none.
func goModModule(path string) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		rest, ok := strings.CutPrefix(line, "module")
		if !ok || rest == "" || (rest[0] != ' ' && rest[0] != '\t') {
			continue
		}
		rest = strings.TrimSpace(rest)
		if i := strings.Index(rest, "//"); i >= 0 {
			rest = strings.TrimSpace(rest[:i])
		}
		if u, err := strconv.Unquote(rest); err == nil {
			rest = u
		}
		return rest
	}
	return ""
}

// repoDataPath returns <repo>/data/<name>, or data/<name> (relative to the
// working directory) outside the repository.
func repoDataPath(name string) string {
	if root, ok := RepoRoot(); ok {
		return filepath.Join(root, "data", name)
	}
	return filepath.Join("data", name)
}

// IrisPath returns the file LoadIris("") reads: $NNLIB_DATA/iris.csv when
// NNLIB_DATA is set and that file exists, else the repository's
// data/iris.csv (committed to git).
func IrisPath() string {
	if root := os.Getenv(EnvDataRoot); root != "" {
		p := filepath.Join(root, "iris.csv")
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return repoDataPath("iris.csv")
}
