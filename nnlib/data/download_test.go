package data

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// These tests never touch the network: the mirrors are httptest servers.

// testSet returns a remoteSet for the tiny data set whose files are
// returned too, with the given mirrors.
func testSet(mirrors ...string) (*remoteSet, [4][]byte) {
	files := tinySet(7, 3)
	s := &remoteSet{
		title:   "Test-MNIST",
		envDir:  "NNLIB_TEST_MNIST_DIR",
		subdir:  "test-mnist",
		mirrors: mirrors,
		classes: mnist.classes,
	}
	for i, b := range files {
		sum := sha256.Sum256(b)
		s.files[i] = remoteFile{setNames[i], hex.EncodeToString(sum[:]), int64(len(b))}
	}
	return s, files
}

// mirror serves files by name; broken, when set, answers instead for the
// file it is asked for. It counts requests.
type mirror struct {
	files    [4][]byte
	broken   func(w http.ResponseWriter, r *http.Request, body []byte)
	requests atomic.Int32
}

func (m *mirror) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	m.requests.Add(1)
	i := slices.Index(setNames[:], strings.TrimPrefix(r.URL.Path, "/data/"))
	if i < 0 {
		http.NotFound(w, r)
		return
	}
	if m.broken != nil {
		m.broken(w, r, m.files[i])
		return
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(m.files[i])))
	w.Write(m.files[i])
}

func serve(t *testing.T, m *mirror) string {
	t.Helper()
	srv := httptest.NewServer(m)
	t.Cleanup(srv.Close)
	return srv.URL + "/data/"
}

// quiet sends progress to a buffer for the test's duration.
func quiet(t *testing.T) *bytes.Buffer {
	var buf bytes.Buffer
	saved := Progress
	Progress = &buf
	t.Cleanup(func() { Progress = saved })
	return &buf
}

// noLeftovers fails the test if dir has temporary files.
func noLeftovers(t *testing.T, dir string) {
	t.Helper()
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".part") {
			t.Fatalf("temporary file %s left in %s", e.Name(), dir)
		}
	}
}

func badChecksum(w http.ResponseWriter, r *http.Request, body []byte) {
	bad := slices.Clone(body)
	bad[len(bad)/2] ^= 1
	w.Write(bad)
}

func notFound(w http.ResponseWriter, r *http.Request, body []byte) { http.NotFound(w, r) }

// cutMidBody announces the whole file, sends half and drops the connection.
func cutMidBody(w http.ResponseWriter, r *http.Request, body []byte) {
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	w.Write(body[:len(body)/2])
	w.(http.Flusher).Flush()
	conn, _, err := w.(http.Hijacker).Hijack()
	if err == nil {
		conn.Close()
	}
}

func TestDownloadGood(t *testing.T) {
	progress := quiet(t)
	m := &mirror{}
	s, files := testSet(serve(t, m))
	m.files = files
	dir := filepath.Join(t.TempDir(), "new", "folder") // created on demand
	train, test, err := s.load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if train.Len() != 7 || test.Len() != 3 {
		t.Fatalf("sizes %d, %d", train.Len(), test.Len())
	}
	for i, name := range setNames {
		got, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil || !bytes.Equal(got, files[i]) {
			t.Fatalf("%s not saved intact (err %v)", name, err)
		}
		if st, _ := os.Stat(filepath.Join(dir, name)); st.Mode().Perm() != 0o644 {
			t.Fatalf("%s has mode %v, want 0644", name, st.Mode().Perm())
		}
	}
	noLeftovers(t, dir)
	out := progress.String()
	for _, want := range []string{"nnlib/data: downloading train-images-idx3-ubyte.gz from 127.0.0.1", "100%", "SHA-256 verified"} {
		if !strings.Contains(out, want) {
			t.Fatalf("progress output %q lacks %q", out, want)
		}
	}
	if got := m.requests.Load(); got != 4 {
		t.Fatalf("%d requests, want 4", got)
	}

	// A second load uses the cached files and asks nothing.
	if _, _, err := s.load(dir); err != nil {
		t.Fatal(err)
	}
	if got := m.requests.Load(); got != 4 {
		t.Fatalf("%d requests after loading from the cache, want still 4", got)
	}
}

func TestDownloadFallsBackToNextMirror(t *testing.T) {
	for _, tc := range []struct {
		name   string
		broken func(http.ResponseWriter, *http.Request, []byte)
	}{
		{"404", notFound},
		{"wrong checksum", badChecksum},
		{"connection cut mid-body", cutMidBody},
	} {
		t.Run(tc.name, func(t *testing.T) {
			quiet(t)
			first, second := &mirror{broken: tc.broken}, &mirror{}
			s, files := testSet(serve(t, first), serve(t, second))
			first.files, second.files = files, files
			dir := t.TempDir()
			if _, err := s.ensure(dir); err != nil {
				t.Fatal(err)
			}
			for i, name := range setNames {
				if got, _ := os.ReadFile(filepath.Join(dir, name)); !bytes.Equal(got, files[i]) {
					t.Fatalf("%s not saved intact", name)
				}
			}
			if first.requests.Load() != 4 || second.requests.Load() != 4 {
				t.Fatalf("requests %d and %d, want 4 and 4", first.requests.Load(), second.requests.Load())
			}
			noLeftovers(t, dir)
		})
	}
}

func TestDownloadFailures(t *testing.T) {
	for _, tc := range []struct {
		name   string
		broken func(http.ResponseWriter, *http.Request, []byte)
		want   string
	}{
		{"404", notFound, "HTTP 404 Not Found"},
		{"wrong checksum", badChecksum, "SHA-256 mismatch: got "},
		{"connection cut mid-body", cutMidBody, "interrupted after "},
		{"wrong size", func(w http.ResponseWriter, r *http.Request, body []byte) { w.Write(append(body, 0)) },
			"the server announces "},
		{"too long without a length", func(w http.ResponseWriter, r *http.Request, body []byte) {
			w.Write(body) // written in two parts: no Content-Length, chunked
			w.(http.Flusher).Flush()
			w.Write([]byte("more"))
		}, "more than the "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			quiet(t)
			m := &mirror{broken: tc.broken}
			s, files := testSet(serve(t, m))
			m.files = files
			dir := t.TempDir()
			_, err := s.ensure(dir)
			wantErr(t, err, "train-images-idx3-ubyte.gz is not in "+dir, tc.want)
			if _, statErr := os.Stat(filepath.Join(dir, setNames[0])); !os.IsNotExist(statErr) {
				t.Fatal("a bad download was kept under the final name")
			}
			noLeftovers(t, dir)
			if got := m.requests.Load(); got != 1 {
				t.Fatalf("%d requests, want 1 (stop at the first file that cannot be had)", got)
			}
		})
	}
}

func TestDownloadStalled(t *testing.T) {
	quiet(t)
	saved := idleTimeout
	idleTimeout = 200 * time.Millisecond
	t.Cleanup(func() { idleTimeout = saved })
	stall := func(w http.ResponseWriter, r *http.Request, body []byte) {
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(http.StatusOK)
		w.Write(body[:10])
		w.(http.Flusher).Flush()
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	}
	m := &mirror{broken: stall}
	s, files := testSet(serve(t, m))
	m.files = files
	start := time.Now()
	_, err := s.ensure(t.TempDir())
	wantErr(t, err, "no data for 200ms, gave up")
	if d := time.Since(start); d > 3*time.Second {
		t.Fatalf("took %v to give up", d)
	}
}

func TestDownloadOffline(t *testing.T) {
	quiet(t)
	srv := httptest.NewServer(http.NotFoundHandler())
	dead := srv.URL + "/mnist/"
	srv.Close() // nothing listens there any more: connection refused
	s, _ := testSet(dead, "http://127.0.0.1:1/other/")
	dir := t.TempDir()
	// Two files are already there: only the other two are listed.
	files := tinySet(7, 3)
	os.WriteFile(filepath.Join(dir, setNames[0]), files[0], 0o644)
	os.WriteFile(filepath.Join(dir, setNames[2]), files[2], 0o644)
	_, err := s.ensure(dir)
	wantErr(t, err,
		"nnlib/data: Test-MNIST: train-labels-idx1-ubyte.gz is not in "+dir+" and could not be downloaded:",
		"\t"+dead+"train-labels-idx1-ubyte.gz: ",
		"\thttp://127.0.0.1:1/other/train-labels-idx1-ubyte.gz: ",
		"Without network access, copy these files into "+dir+" (or set NNLIB_TEST_MNIST_DIR to a folder that has them):",
		"\ttrain-labels-idx1-ubyte.gz  (",
		"\tt10k-labels-idx1-ubyte.gz  (",
		"They are published at "+dead+" (also http://127.0.0.1:1/other/)",
	)
	if strings.Contains(err.Error(), "\ttrain-images") {
		t.Fatalf("error lists a file that is present: %v", err)
	}
}

func TestDownloadLocalProblems(t *testing.T) {
	quiet(t)
	m := &mirror{}
	s, files := testSet(serve(t, m))
	m.files = files

	// dir is a regular file: the folder cannot be created.
	notDir := filepath.Join(t.TempDir(), "file")
	os.WriteFile(notDir, nil, 0o644)
	_, err := s.ensure(notDir)
	wantErr(t, err, "Test-MNIST files are missing and the folder cannot be created", "set NNLIB_TEST_MNIST_DIR to a writable folder")
	if got := m.requests.Load(); got != 0 {
		t.Fatalf("%d requests for a folder that cannot hold the files", got)
	}

	// Files already present are trusted, whatever their checksum (e.g.
	// Debian's recompressed copies), and never downloaded again.
	dir := t.TempDir()
	other := tinySet(4, 2)
	writeSet(t, dir, other)
	train, _, err := s.load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if train.Len() != 4 || m.requests.Load() != 0 {
		t.Fatalf("local files were not used as they are: %d images, %d requests", train.Len(), m.requests.Load())
	}
}

// TestLoadMNISTDownloads goes through the exported LoadMNIST and
// EnsureMNIST with the MNIST mirrors and checksums replaced.
func TestLoadMNISTDownloads(t *testing.T) {
	progress := quiet(t)
	m := &mirror{}
	s, files := testSet(serve(t, m))
	m.files = files
	saved := *mnist
	t.Cleanup(func() { *mnist = saved })
	mnist.mirrors, mnist.files = s.mirrors, s.files

	root := t.TempDir()
	t.Setenv(EnvMNISTDir, "")
	t.Setenv(EnvDataRoot, root)
	dir, err := EnsureMNIST("")
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(root, "mnist"); dir != want {
		t.Fatalf("EnsureMNIST used %s, want %s", dir, want)
	}
	train, test, err := LoadMNIST("")
	if err != nil {
		t.Fatal(err)
	}
	if train.Len() != 7 || test.Len() != 3 || m.requests.Load() != 4 {
		t.Fatalf("sizes %d/%d after %d requests", train.Len(), test.Len(), m.requests.Load())
	}
	if !strings.Contains(progress.String(), "SHA-256 verified") {
		t.Fatalf("no progress shown: %q", progress.String())
	}

	Progress = nil // silence must not break downloads
	os.Remove(filepath.Join(dir, setNames[3]))
	if _, err := EnsureMNIST(dir); err != nil {
		t.Fatal(err)
	}
}
