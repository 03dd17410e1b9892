// Package data loads the course's data sets and prepares them for training:
// Iris and any other CSV file (through gota), MNIST and Fashion-MNIST (IDX
// files, downloaded and checked on first use), and the chores every chapter
// needs: train/validation/test splits, one-hot targets, standardization and
// mini-batches.
//
// # Overview
//
// A [Dataset] holds one example per row:
//
//	X       n×d  features (pixels scaled to [0, 1] for images)
//	Y       n×k  one-hot targets for classification (k classes), or n×1 for regression
//	Labels  n    class index of each row, 0 ≤ Labels[i] < k (nil for regression)
//	Classes k    class names; Classes[Labels[i]] names row i
//
// Loaders: [LoadIris], [LoadCSV], [ReadDataFrame] and [FromDataFrame] for
// tables; [LoadMNIST] and [LoadFashionMNIST] for images, with [ReadIDX] for
// the raw file format. Preparation: [Split], [OneHot], [FitStandardizer] and
// [Dataset.Batches].
//
// # Where the data lives
//
// Iris is committed to the repository as data/iris.csv. MNIST and
// Fashion-MNIST are too large for git: they are downloaded into
// data/mnist and data/fashion-mnist the first time they are loaded (see
// data/README.md at the repository's root). LoadMNIST("") picks the folder
// as follows, first match wins:
//
//  1. $NNLIB_MNIST_DIR: the folder that holds the four MNIST files;
//  2. $NNLIB_DATA/mnist: NNLIB_DATA names a data root with mnist/ and
//     fashion-mnist/ below it (and, optionally, iris.csv for LoadIris(""));
//  3. <repo>/data/mnist, where <repo> is the folder of the go.mod of module
//     github.com/nnfromscratch/nngo, found by walking up from the working
//     directory (so notebooks/ and package folders find it);
//  4. ./data/mnist.
//
// Fashion-MNIST reads $NNLIB_FASHION_MNIST_DIR, then $NNLIB_DATA/fashion-mnist,
// then <repo>/data/fashion-mnist. When that last folder lacks the files and
// Debian's dataset-fashion-mnist package is installed, its copy in
// /usr/share/datasets/fashion-mnist is used instead of downloading.
//
// Files that are missing are downloaded from public mirrors, tried in
// order, and checked against their published SHA-256 before they are
// renamed into place; progress goes to [Progress]. Files already present
// are trusted (a recompressed copy has a different checksum but the same
// content): their IDX structure is still validated as they are read.
// Without network access the error says which files to copy where.
//
// # Errors and panics
//
// Data and I/O problems return errors that name the file and say what is
// wrong: a missing column (with the list of available ones), a missing or
// non-numeric value ([FieldError]: line, column, value), a truncated IDX
// file (how many bytes the header announces and how many there are). Bad
// arguments in code (a batch size of 0, a row index out of range, a
// matrix of the wrong width for a [Standardizer]) are programming mistakes
// and panic with a message that starts with "data:".
//
// # Randomness
//
// Shuffling uses the *rand.Rand (math/rand/v2) passed in, so a seeded
// generator gives the same split and the same batches on every run:
//
//	rng := rand.New(rand.NewPCG(1, 2))
//	train, val, test, err := data.Split(iris, 0.7, 0.15, true, rng)
package data
