// Package notebooks_test runs the course notebooks as tests.
//
//   - TestNotebookFormat (fast) checks every committed notebook: the shared
//     setup cell comes first, the kernelspec is GoNB's, every code cell was
//     executed in order, and no output holds an error, a failed `!` line or a
//     failed exercise check.
//   - TestNotebooks executes every notebook top to bottom with the GoNB
//     kernel through `jupyter nbconvert` and reports failing cells with the
//     Go error or panic text.
//   - TestCourse and TestBrowser (browser_test.go) go through the served
//     course: scripts/course.sh, the Jupyter server and, for TestBrowser,
//     Chromium.
//
// The slow tests skip with -short. Run them with -count=1: go test's cache
// does not see changes to notebooks or to the code they compile.
package notebooks_test

import (
	"encoding/json"
	"fmt"
	"html"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/nnfromscratch/nngo/notebooks/check"
)

// setupCell is the first code cell of every notebook. It makes GoNB build
// each cell inside this repository's module from any clone path: it walks up
// from the notebook's folder ($GONB_DIR) to the first go.mod and creates a
// go.work that uses it, so imports of nnlib resolve to the working tree and
// every other module to the version pinned in go.mod. %reset go.mod drops
// replace lines a kernel installed with -go_work may have left, and
// %noautoget stops GoNB from fetching the latest versions of imports.
const setupCell = `%reset go.mod
!*rm -f go.work && r="$GONB_DIR" && \
  while [ ! -f "$r/go.mod" ] && [ "$r" != / ]; do r="$(dirname "$r")"; done && \
  if [ -f "$r/go.mod" ]; then go work init . "$r"; else echo "no go.mod above $GONB_DIR" >&2; exit 1; fi
%noautoget`

// gonbKernelspec is the kernelspec every notebook declares.
var gonbKernelspec = kernelspec{Name: "gonb", DisplayName: "Go (gonb)", Language: "go"}

// chapterName is the file name pattern of a chapter: NN-kebab-title.ipynb.
var chapterName = regexp.MustCompile(`^[0-9]{2}(-[a-z0-9]+)+\.ipynb$`)

type kernelspec struct {
	Name        string `json:"name"`
	DisplayName string `json:"display_name"`
	Language    string `json:"language"`
}

type notebook struct {
	Nbformat int    `json:"nbformat"`
	Cells    []cell `json:"cells"`
	Metadata struct {
		Kernelspec *kernelspec `json:"kernelspec"`
	} `json:"metadata"`
}

type cell struct {
	CellType       string          `json:"cell_type"`
	Source         json.RawMessage `json:"source"`
	ExecutionCount *int            `json:"execution_count"`
	Metadata       struct {
		Tags      []string          `json:"tags"`
		Execution map[string]string `json:"execution"` // nbclient's timestamps
	} `json:"metadata"`
	Outputs []output `json:"outputs"`
}

type output struct {
	OutputType string                     `json:"output_type"`
	Name       string                     `json:"name"` // stdout or stderr
	Text       json.RawMessage            `json:"text"`
	Ename      string                     `json:"ename"`
	Evalue     string                     `json:"evalue"`
	Data       map[string]json.RawMessage `json:"data"`
}

// multiline decodes nbformat's "string or list of strings".
func multiline(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var l []string
	_ = json.Unmarshal(raw, &l)
	return strings.Join(l, "")
}

func (c *cell) source() string { return multiline(c.Source) }

// hasShellLine reports whether src runs a `!` or `!*` shell line.
func hasShellLine(src string) bool {
	for l := range strings.SplitSeq(src, "\n") {
		if strings.HasPrefix(strings.TrimSpace(l), "!") {
			return true
		}
	}
	return false
}

// ansiEscapes matches terminal colour codes, which GoNB puts around the
// [[ Cell [n] Line m ]] marks of a panic's stack trace.
var ansiEscapes = regexp.MustCompile("\x1b\\[[0-9;]*m")

// htmlTags matches what to strip from HTML outputs to show them as text.
var htmlTags = regexp.MustCompile(`(?s)<style>.*?</style>|<script.*?</script>|<[^>]*>`)

// failure is a code cell whose outputs show that it failed.
type failure struct {
	Notebook string
	Index    int  // 1-based position among all cells, as in the file
	Count    *int // execution count, shown as In [n] in Jupyter
	Source   string
	Output   string // the error, panic or check text
}

func (f failure) String() string {
	in := "not run"
	if f.Count != nil {
		in = fmt.Sprintf("In [%d]", *f.Count)
	}
	return fmt.Sprintf("%s: cell %d (%s) failed\n--- source\n%s\n--- output\n%s",
		f.Notebook, f.Index, in, strings.TrimRight(f.Source, "\n"), strings.TrimRight(limitLines(f.Output, 60), "\n"))
}

// limitLines keeps the first n lines of s.
func limitLines(s string, n int) string {
	lines := strings.SplitAfter(s, "\n")
	if len(lines) <= n {
		return s
	}
	return strings.Join(lines[:n], "") + fmt.Sprintf("… (%d more lines)\n", len(lines)-n)
}

// failures returns the code cells of nb whose outputs hold an error, a
// failed `!` shell line (GoNB reports it only as "exit status N" on stderr),
// a GoNB compile error block, or a failed exercise check. Cells tagged
// raises-exception are expected to fail and are skipped.
func failures(name string, nb *notebook) []failure {
	var fs []failure
	for i, c := range nb.Cells {
		if c.CellType != "code" || slices.Contains(c.Metadata.Tags, "raises-exception") {
			continue
		}
		src := c.source()
		var texts []string // everything the cell printed, for the report
		failed := false
		for _, o := range c.Outputs {
			switch o.OutputType {
			case "error":
				failed = true
				texts = append(texts, o.Ename+": "+o.Evalue)
			case "stream":
				txt := multiline(o.Text)
				texts = append(texts, txt)
				if o.Name == "stderr" && hasShellLine(src) && strings.Contains(txt, "exit status ") {
					failed = true
				}
				if strings.Contains(txt, check.FailMark) {
					failed = true
				}
			case "display_data", "execute_result", "update_display_data":
				if txt, marked := displayText(o); marked {
					failed = true
					texts = append(texts, txt)
				}
			}
		}
		if failed {
			fs = append(fs, failure{Notebook: name, Index: i + 1, Count: c.ExecutionCount,
				Source: src, Output: ansiEscapes.ReplaceAllString(strings.Join(texts, "\n"), "")})
		}
	}
	return fs
}

// displayText returns a rich output as text (its text/plain form, else its
// HTML without tags, else its Markdown), and whether any of its forms holds
// a GoNB compile error block or a failed exercise check.
func displayText(o output) (text string, marked bool) {
	for mime, raw := range o.Data {
		if t := multiline(raw); strings.HasPrefix(mime, "text/") &&
			(strings.Contains(t, "gonb-err-location") || strings.Contains(t, check.FailMark)) {
			marked = true
		}
	}
	switch {
	case o.Data["text/plain"] != nil:
		text = multiline(o.Data["text/plain"])
	case o.Data["text/html"] != nil:
		text = html.UnescapeString(strings.TrimSpace(htmlTags.ReplaceAllString(multiline(o.Data["text/html"]), "")))
	default:
		text = multiline(o.Data["text/markdown"])
	}
	return text, marked
}

// formatProblems lists what is wrong with a committed notebook.
func formatProblems(name string, nb *notebook) []string {
	var ps []string
	if !chapterName.MatchString(filepath.Base(name)) {
		ps = append(ps, "file name is not NN-kebab-title.ipynb")
	}
	if nb.Nbformat != 4 {
		ps = append(ps, fmt.Sprintf("nbformat %d, want 4", nb.Nbformat))
	}
	if ks := nb.Metadata.Kernelspec; ks == nil {
		ps = append(ps, fmt.Sprintf("no kernelspec: want %+v", gonbKernelspec))
	} else if *ks != gonbKernelspec {
		ps = append(ps, fmt.Sprintf("kernelspec %+v, want %+v", *ks, gonbKernelspec))
	}
	count := 0
	var notRun []string
	outOfOrder, timed := "", ""
	for i, c := range nb.Cells {
		if c.CellType != "code" {
			continue
		}
		count++
		if count == 1 && strings.TrimSpace(c.source()) != setupCell {
			ps = append(ps, fmt.Sprintf("cell %d, the first code cell, is not the setup cell:\n%s", i+1, setupCell))
		}
		switch {
		case c.ExecutionCount == nil:
			notRun = append(notRun, fmt.Sprint(i+1))
		case *c.ExecutionCount != count && outOfOrder == "":
			outOfOrder = fmt.Sprintf("cell %d is In [%d], want In [%d]: run all cells in order on a fresh kernel (make notebooks)",
				i+1, *c.ExecutionCount, count)
		}
		if c.Metadata.Execution != nil && timed == "" {
			timed = fmt.Sprintf("cell %d has timing metadata: execute with --ExecutePreprocessor.record_timing=False (make notebooks)", i+1)
		}
	}
	if len(notRun) > 0 {
		ps = append(ps, fmt.Sprintf("not executed (cells %s): commit notebooks with their outputs (make notebooks)", strings.Join(notRun, ", ")))
	}
	for _, p := range []string{outOfOrder, timed} {
		if p != "" {
			ps = append(ps, p)
		}
	}
	if count == 0 {
		ps = append(ps, "no code cells: the setup cell is missing")
	}
	for _, f := range failures(name, nb) {
		ps = append(ps, "committed with a failing cell: "+f.String())
	}
	return ps
}

// readNotebook parses an .ipynb file.
func readNotebook(path string) (*notebook, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var nb notebook
	if err := json.Unmarshal(b, &nb); err != nil {
		return nil, fmt.Errorf("%s: not a notebook: %v", path, err)
	}
	return &nb, nil
}

// chapters returns the notebooks below the current folder (notebooks/),
// sorted, skipping testdata and Jupyter's checkpoints.
func chapters(t *testing.T) []string {
	t.Helper()
	var nbs []string
	err := filepath.WalkDir(".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || d.Name() == ".ipynb_checkpoints" || d.Name() == "check") {
			return filepath.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(p, ".ipynb") {
			nbs = append(nbs, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(nbs) == 0 {
		t.Fatal("no notebooks found in notebooks/")
	}
	sort.Strings(nbs)
	return nbs
}

// TestNotebookFormat checks the committed notebooks, or the files listed in
// $NB_FORMAT_FILES (separated by the OS's list separator; scripts/notebooks.sh
// checks freshly executed copies this way before replacing the originals).
func TestNotebookFormat(t *testing.T) {
	var nbs []string
	if files := os.Getenv("NB_FORMAT_FILES"); files != "" {
		nbs = filepath.SplitList(files)
	} else {
		nbs = chapters(t)
	}
	for _, path := range nbs {
		t.Run(filepath.Base(path), func(t *testing.T) {
			nb, err := readNotebook(path)
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range formatProblems(filepath.Base(path), nb) {
				t.Errorf("%s: %s", path, p)
			}
		})
	}
}

// maxCellLines is the most non-blank lines a chapter's code cell may have,
// the setup cell and the shared helper cell (imports, must, show; the same
// in every chapter) aside: the course's rule is short cells (about 15
// lines) that do one thing.
const maxCellLines = 18

// sharedHelpersMark identifies the shared helper cell that follows the
// setup cell in every chapter.
const sharedHelpersMark = "// must returns v, or stops the cell with err."

// longCells lists the code cells of nb, the setup and shared helper cells
// aside, with more than maxCellLines non-blank lines.
func longCells(nb *notebook) []string {
	var long []string
	for i, c := range nb.Cells {
		src := strings.TrimSpace(c.source())
		if c.CellType != "code" || src == setupCell || strings.Contains(src, sharedHelpersMark) {
			continue
		}
		n := 0
		for _, l := range strings.Split(src, "\n") {
			if strings.TrimSpace(l) != "" {
				n++
			}
		}
		if n > maxCellLines {
			long = append(long, fmt.Sprintf("cell %d has %d lines of code; split it into cells that do one thing (at most %d lines each)", i+1, n, maxCellLines))
		}
	}
	return long
}

// TestCodeCellLength holds the course's chapters to short code cells. (It
// is not part of TestNotebookFormat, which also checks learners'
// submissions.)
func TestCodeCellLength(t *testing.T) {
	for _, path := range chapters(t) {
		nb, err := readNotebook(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range longCells(nb) {
			t.Errorf("%s: %s", path, p)
		}
	}
	long := &notebook{Cells: []cell{{CellType: "code"}}}
	long.Cells[0].Source, _ = json.Marshal(strings.Repeat("x++\n\n", maxCellLines+1))
	if len(longCells(long)) != 1 {
		t.Errorf("a code cell of %d lines was not reported", maxCellLines+1)
	}
}

// TestFormatProblems shows that the format check catches each kind of bad
// notebook, and accepts a good one.
func TestFormatProblems(t *testing.T) {
	one := func(n int) *int { return &n }
	code := func(src string, count *int, outs ...output) cell {
		c := cell{CellType: "code", ExecutionCount: count, Outputs: outs}
		c.Source, _ = json.Marshal(src)
		return c
	}
	text := func(s string) json.RawMessage { b, _ := json.Marshal(s); return b }
	good := func() *notebook {
		nb := &notebook{Nbformat: 4, Cells: []cell{
			{CellType: "markdown", Source: text("# Title")},
			code(setupCell, one(1)),
			code("%%\nfmt.Println(1)", one(2), output{OutputType: "stream", Name: "stdout", Text: text("1\n")}),
		}}
		ks := gonbKernelspec
		nb.Metadata.Kernelspec = &ks
		return nb
	}
	if ps := formatProblems("01-good-one.ipynb", good()); len(ps) > 0 {
		t.Fatalf("good notebook: %q", ps)
	}
	tests := []struct {
		name   string
		file   string
		change func(nb *notebook)
		want   string
	}{
		{"bad file name", "1-Bad Name.ipynb", func(*notebook) {}, "file name"},
		{"no kernelspec", "", func(nb *notebook) { nb.Metadata.Kernelspec = nil }, "no kernelspec"},
		{"python kernel", "", func(nb *notebook) {
			nb.Metadata.Kernelspec = &kernelspec{Name: "python3", DisplayName: "Python 3", Language: "python"}
		}, "kernelspec"},
		{"no setup cell", "", func(nb *notebook) { nb.Cells = slices.Delete(nb.Cells, 1, 2) }, "not the setup cell"},
		{"changed setup cell", "", func(nb *notebook) { nb.Cells[1].Source = text("%noautoget") }, "not the setup cell"},
		{"not executed", "", func(nb *notebook) { nb.Cells[2].ExecutionCount = nil }, "not executed (cells 3)"},
		{"out of order", "", func(nb *notebook) { nb.Cells[2].ExecutionCount = one(5) }, "want In [2]"},
		{"timing metadata", "", func(nb *notebook) {
			nb.Cells[2].Metadata.Execution = map[string]string{"shell.execute_reply": "2025-01-01T00:00:00Z"}
		}, "timing metadata"},
		{"error output", "", func(nb *notebook) {
			nb.Cells[2].Outputs = append(nb.Cells[2].Outputs, output{OutputType: "error", Ename: "ERROR", Evalue: "exit status 2"})
		}, "ERROR: exit status 2"},
		{"failed check", "", func(nb *notebook) {
			nb.Cells[2].Outputs = append(nb.Cells[2].Outputs, output{OutputType: "display_data",
				Data: map[string]json.RawMessage{"text/html": text(`<div>❌ <b>mean</b>: got 2, want 3</div>`)}})
		}, "❌ mean: got 2, want 3"},
		{"failed shell line", "", func(nb *notebook) {
			nb.Cells[2] = code("!false", one(2), output{OutputType: "stream", Name: "stderr", Text: text("exit status 1\n")})
		}, "exit status 1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			nb := good()
			tc.change(nb)
			file := tc.file
			if file == "" {
				file = "01-some-chapter.ipynb"
			}
			ps := formatProblems(file, nb)
			if !strings.Contains(strings.Join(ps, "\n"), tc.want) {
				t.Errorf("problems %q do not mention %q", ps, tc.want)
			}
		})
	}
}

// execution is one notebook run through nbconvert.
type execution struct {
	nb      *notebook
	elapsed time.Duration
}

// execute runs the notebook at path top to bottom on a fresh GoNB kernel,
// keeping going past failing cells, and returns the executed notebook. The
// file itself is not changed.
func execute(t *testing.T, path string) execution {
	t.Helper()
	abs, err := filepath.Abs(path)
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	cmd := exec.Command("jupyter", "nbconvert", "--to", "notebook", "--execute", "--allow-errors",
		"--ExecutePreprocessor.timeout=900", "--ExecutePreprocessor.interrupt_on_timeout=True",
		"--output-dir", out, "--output", "executed", abs)
	start := time.Now()
	log, err := cmd.CombinedOutput()
	elapsed := time.Since(start)
	if err != nil {
		hint := ""
		if strings.Contains(string(log), "No such kernel") {
			hint = "\nthe gonb kernel is not installed: run scripts/setup.sh (make setup)"
		}
		t.Fatalf("%s: nbconvert failed after %.1f s: %v%s\n%s", path, elapsed.Seconds(), err, hint, limitLines(string(log), 80))
	}
	nb, err := readNotebook(filepath.Join(out, "executed.ipynb"))
	if err != nil {
		t.Fatal(err)
	}
	return execution{nb: nb, elapsed: elapsed}
}

// slowestCells describes the n slowest cells from nbclient's timestamps.
func slowestCells(nb *notebook, n int) string {
	type timing struct {
		index int
		d     time.Duration
	}
	var ts []timing
	for i, c := range nb.Cells {
		start, err1 := time.Parse(time.RFC3339Nano, c.Metadata.Execution["iopub.execute_input"])
		end, err2 := time.Parse(time.RFC3339Nano, c.Metadata.Execution["shell.execute_reply"])
		if err1 == nil && err2 == nil {
			ts = append(ts, timing{i + 1, end.Sub(start)})
		}
	}
	sort.SliceStable(ts, func(i, j int) bool { return ts[i].d > ts[j].d })
	var parts []string
	for _, x := range ts[:min(n, len(ts))] {
		parts = append(parts, fmt.Sprintf("cell %d %.1f s", x.index, x.d.Seconds()))
	}
	return strings.Join(parts, ", ")
}

func requireJupyter(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("jupyter"); err != nil {
		t.Fatal("jupyter not found: run scripts/setup.sh (make setup) first")
	}
}

// TestNotebooks executes every notebook with the GoNB kernel, one after
// the other (each build uses all cores).
func TestNotebooks(t *testing.T) {
	if testing.Short() {
		t.Skip("notebooks are not run with -short")
	}
	requireJupyter(t)
	for _, path := range chapters(t) {
		t.Run(strings.TrimSuffix(filepath.Base(path), ".ipynb"), func(t *testing.T) {
			run := execute(t, path)
			fs := failures(path, run.nb)
			for _, f := range fs {
				t.Errorf("%s", f)
			}
			status := "ok"
			if len(fs) > 0 {
				status = fmt.Sprintf("%d failing cells", len(fs))
			}
			t.Logf("notebook timing: %s: %.1f s, %s (slowest: %s)",
				path, run.elapsed.Seconds(), status, slowestCells(run.nb, 3))
		})
	}
}

// TestHarnessReportsBrokenNotebook runs testdata/broken.ipynb, whose cells
// fail in each way a notebook can, and checks that each failure is reported
// with its cell and its error text, and that the cells around them pass.
func TestHarnessReportsBrokenNotebook(t *testing.T) {
	if testing.Short() {
		t.Skip("notebooks are not run with -short")
	}
	requireJupyter(t)
	const path = "testdata/broken.ipynb"
	run := execute(t, path)
	want := map[string][]string{ // first line of the cell's source → texts its report must contain
		"// panics":           {"panic: runtime error: index out of range [3] with length 3", "ERROR"},
		"// does not compile": {"undefinedVariable"},
		"// failing shell":    {"exit status 3", "this line fails"},
		"// failing check":    {check.FailMark + " answer: got 41, want 42"},
	}
	for _, f := range failures(path, run.nb) {
		first, _, _ := strings.Cut(f.Source, "\n")
		texts, ok := want[first]
		if !ok {
			t.Errorf("the cell starting %q should pass but was reported:\n%s", first, f)
			continue
		}
		report := f.String()
		for _, s := range texts {
			if !strings.Contains(report, s) {
				t.Errorf("the report for the cell starting %q lacks %q:\n%s", first, s, report)
			}
		}
		if !strings.Contains(report, path+": cell ") {
			t.Errorf("the report does not name the notebook and cell:\n%s", report)
		}
		t.Logf("reported as expected:\n%s", report)
		delete(want, first)
	}
	for first := range want {
		t.Errorf("the cell starting %q was not reported as failing", first)
	}
	if !t.Failed() {
		t.Logf("notebook timing: %s: %.1f s, 4 failures reported as expected", path, run.elapsed.Seconds())
	}
}
