package data

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/go-gota/gota/dataframe"
	"github.com/go-gota/gota/series"
	"gonum.org/v1/gonum/mat"
)

// Problems a [FieldError] reports; test for them with errors.Is.
var (
	ErrMissingValue = errors.New("missing value")
	ErrNotNumber    = errors.New("not a number")
)

// FieldError reports one bad value in a table: where it is and what is
// wrong with it (Err is [ErrMissingValue] or [ErrNotNumber]).
//
//	nnlib/data: data/iris.csv: line 7, column "sepal_width": missing value
//	nnlib/data: data/iris.csv: line 9, column "petal_length": "1,4" is not a number
//	nnlib/data: DataFrame row 3, column "x": missing value
type FieldError struct {
	File   string // the CSV file, or "" for a DataFrame
	Line   int    // line in File where the record starts (the header is line 1); 0 for a DataFrame
	Row    int    // 0-based data row, as indexed in the DataFrame
	Column string // column name
	Value  string // the text found, "" when missing
	Err    error  // ErrMissingValue or ErrNotNumber
}

func (e *FieldError) Error() string {
	var where string
	if e.File != "" {
		where = fmt.Sprintf("%s: line %d", e.File, e.Line)
	} else {
		where = fmt.Sprintf("DataFrame row %d", e.Row)
	}
	what := e.Err.Error()
	if errors.Is(e.Err, ErrNotNumber) {
		if looksNumeric(e.Value) {
			what = fmt.Sprintf("%q is not a finite number", e.Value)
		} else {
			what = fmt.Sprintf("%q is not a number (use numeric feature columns, or encode this one as numbers first)", e.Value)
		}
	}
	return fmt.Sprintf("nnlib/data: %s, column %q: %s", where, e.Column, what)
}

func (e *FieldError) Unwrap() error { return e.Err }

// looksNumeric reports whether s parses as a (possibly infinite) number, to
// tell "Inf" apart from words in FieldError messages.
func looksNumeric(s string) bool {
	_, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	return err == nil || errors.Is(err, strconv.ErrRange)
}

// missingText holds the spellings of a missing value in CSV files ("?" is
// the UCI repository's).
var missingText = []string{"", "NA", "N/A", "NaN", "nan", "null", "NULL", "?"}

// table is a CSV file read into records, with the line each record starts on.
type table struct {
	file    string
	records [][]string // records[0] is the header
	lines   []int      // lines[i] is where records[i] starts
}

// readTable reads the CSV file at path. Fields are trimmed of surrounding
// spaces, and a UTF-8 byte order mark is dropped.
func readTable(path string) (*table, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("nnlib/data: %w", err)
	}
	return parseTable(path, b)
}

func parseTable(path string, b []byte) (*table, error) {
	b = bytes.TrimPrefix(b, []byte("\uFEFF"))
	if len(bytes.TrimSpace(b)) == 0 {
		return nil, fmt.Errorf("nnlib/data: %s: the file is empty (expected a header line and data rows)", path)
	}
	r := csv.NewReader(bytes.NewReader(b))
	t := &table{file: path}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("nnlib/data: %s: %w", path, err)
		}
		line, _ := r.FieldPos(0)
		for i := range rec {
			rec[i] = strings.TrimSpace(rec[i])
		}
		t.records = append(t.records, rec)
		t.lines = append(t.lines, line)
	}
	switch len(t.records) {
	case 0:
		return nil, fmt.Errorf("nnlib/data: %s: the file is empty (expected a header line and data rows)", path)
	case 1:
		return nil, fmt.Errorf("nnlib/data: %s: the file has a header but no data rows", path)
	}
	return t, nil
}

// ReadDataFrame reads the CSV file at path, whose first line names the
// columns, into a gota DataFrame, for a first look at a data set:
//
//	df, err := data.ReadDataFrame("../data/iris.csv")
//	fmt.Println(df.Describe())                       // mean, std, min, max per column
//	fmt.Println(df.Subset([]int{0, 1, 2}))           // the first rows
//	fmt.Println(df.GroupBy("species").Aggregation(   // per-class means
//		[]dataframe.AggregationType{dataframe.Aggregation_MEAN}, []string{"petal_length"}))
//
// Column types are detected as gota does: a column whose every value is a
// number is numeric, anything else is text. Missing values (empty, NA, NaN)
// become NaN. Fields are trimmed of spaces. Errors name the file: it cannot
// be read, is empty, has only a header, or has rows with a different number
// of fields than the header.
func ReadDataFrame(path string) (dataframe.DataFrame, error) {
	t, err := readTable(path)
	if err != nil {
		return dataframe.DataFrame{}, err
	}
	df := dataframe.LoadRecords(t.records)
	if df.Err != nil {
		return df, fmt.Errorf("nnlib/data: %s: %w", path, df.Err)
	}
	return df, nil
}

// FromDataFrame builds a Dataset from the columns of df: X (n×len(features))
// from the feature columns in the order given, and Y from the target column.
//
//   - features nil (or empty) means every column except target.
//   - A text (or boolean) target is a class label: Classes lists its distinct
//     values in sorted order, Labels indexes into them and Y is one-hot
//     (n×len(Classes)).
//   - A numeric target is a regression target: Y is n×1, Labels and Classes
//     are nil.
//   - target "" means no target: Y is nil.
//
// Feature columns must hold numbers (booleans count as 0 and 1); text that
// parses as a number is accepted. It returns an error that names the column
// for an unknown column (listing those that exist), and a [*FieldError]
// naming the row and column for a missing value (NaN) or a value that is not
// a finite number. A NaN in a numeric gota column may also be text that did
// not parse when the frame was built with forced column types.
func FromDataFrame(df dataframe.DataFrame, features []string, target string) (*Dataset, error) {
	if df.Err != nil {
		return nil, fmt.Errorf("nnlib/data: FromDataFrame: the DataFrame holds an error: %w", df.Err)
	}
	return buildDataset(df, features, target, nil, false)
}

// LoadCSV reads the CSV file at path (first line: column names) and builds a
// Dataset with the columns features as X and target as Y, following the
// rules of [FromDataFrame]. A target column is a class label when any of its
// values is not a number (Classes sorted), and a regression target when all
// are. Missing values are empty fields, NA, N/A, NaN, nan, null, NULL and ?.
//
// Errors name the file and say what is wrong: it is missing or empty, a
// column does not exist (the message lists the columns that do), or a value
// is missing or not a number ([*FieldError], with the line and column).
func LoadCSV(path string, features []string, target string) (*Dataset, error) {
	t, err := readTable(path)
	if err != nil {
		return nil, err
	}
	return t.dataset(features, target)
}

func (t *table) dataset(features []string, target string) (*Dataset, error) {
	// Every column is read as text so that LoadCSV, not gota, parses the
	// numbers: gota would turn a bad number into NaN without saying where.
	df := dataframe.LoadRecords(t.records,
		dataframe.DetectTypes(false),
		dataframe.DefaultType(series.String),
		dataframe.NaNValues(nil))
	if df.Err != nil {
		return nil, fmt.Errorf("nnlib/data: %s: %w", t.file, df.Err)
	}
	return buildDataset(df, features, target, t, true)
}

// irisFeatures are the four measurement columns of iris.csv, in cm.
var irisFeatures = []string{"sepal_length", "sepal_width", "petal_length", "petal_width"}

// LoadIris reads Fisher's Iris data from the CSV file at path (header
// sepal_length,sepal_width,petal_length,petal_width,species; path "" means
// [IrisPath], the repository's data/iris.csv). The result has X 150×4 (the
// four measurements in cm, in that order, as Features), Classes [setosa
// versicolor virginica] (sorted), Labels and one-hot Y 150×3.
func LoadIris(path string) (*Dataset, error) {
	if path == "" {
		path = IrisPath()
	}
	return LoadCSV(path, irisFeatures, "species")
}

// buildDataset does the work of FromDataFrame and LoadCSV. t is nil for a
// DataFrame from outside; textTarget says that every column is text and the
// target's kind must be decided from its values.
func buildDataset(df dataframe.DataFrame, features []string, target string, t *table, textTarget bool) (*Dataset, error) {
	names := df.Names()
	source := "DataFrame"
	if t != nil {
		source = t.file
	}
	if len(features) == 0 {
		for _, name := range names {
			if name != target {
				features = append(features, name)
			}
		}
		if len(features) == 0 {
			return nil, fmt.Errorf("nnlib/data: %s: no feature columns (the only column is the target %q)", source, target)
		}
	}
	check := func(kind, name string) error {
		if slices.Contains(names, name) {
			return nil
		}
		return fmt.Errorf("nnlib/data: %s: no %s column %q; the columns are %s", source, kind, name, quoteList(names))
	}
	for _, f := range features {
		if err := check("feature", f); err != nil {
			return nil, err
		}
		if f == target {
			return nil, fmt.Errorf("nnlib/data: %s: column %q is both a feature and the target", source, f)
		}
	}
	if target != "" {
		if err := check("target", target); err != nil {
			return nil, err
		}
	}

	n, d := df.Nrow(), len(features)
	fieldErr := func(row int, col, value string, err error) error {
		e := &FieldError{Row: row, Column: col, Value: value, Err: err}
		if t != nil {
			e.File, e.Line = t.file, t.lines[row+1]
		}
		return e
	}
	x := make([]float64, n*d)
	for j, name := range features {
		col := df.Col(name)
		for i := range n {
			v, text, err := cellFloat(col.Elem(i))
			if err != nil {
				return nil, fieldErr(i, name, text, err)
			}
			x[i*d+j] = v
		}
	}
	ds := &Dataset{X: mat.NewDense(n, d, x), Features: cloneStrings(features)}
	if target == "" {
		return ds, nil
	}

	col := df.Col(target)
	categorical := col.Type() == series.String || col.Type() == series.Bool
	if textTarget {
		categorical = false
		for i := range n {
			if _, _, err := cellFloat(col.Elem(i)); errors.Is(err, ErrNotNumber) {
				categorical = true
				break
			}
		}
	}
	if !categorical {
		y := make([]float64, n)
		for i := range n {
			v, text, err := cellFloat(col.Elem(i))
			if err != nil {
				return nil, fieldErr(i, target, text, err)
			}
			y[i] = v
		}
		ds.Y = mat.NewDense(n, 1, y)
		return ds, nil
	}

	values := make([]string, n)
	for i := range n {
		e := col.Elem(i)
		s := strings.TrimSpace(e.String())
		if e.IsNA() || slices.Contains(missingText, s) {
			return nil, fieldErr(i, target, "", ErrMissingValue)
		}
		values[i] = s
	}
	ds.Classes = slices.Compact(slices.Sorted(slices.Values(values)))
	ds.Labels = make([]int, n)
	for i, v := range values {
		ds.Labels[i], _ = slices.BinarySearch(ds.Classes, v)
	}
	ds.Y = OneHot(ds.Labels, len(ds.Classes))
	return ds, nil
}

// cellFloat returns the number in a DataFrame cell, or ErrMissingValue or
// ErrNotNumber together with the cell's text.
func cellFloat(e series.Element) (float64, string, error) {
	if e.IsNA() {
		return 0, "", ErrMissingValue
	}
	switch e.Type() {
	case series.Float, series.Int:
		v := e.Float()
		if math.IsNaN(v) {
			return 0, "", ErrMissingValue
		}
		if math.IsInf(v, 0) {
			return 0, e.String(), ErrNotNumber
		}
		return v, "", nil
	case series.Bool:
		b, err := e.Bool()
		if err != nil {
			return 0, e.String(), ErrNotNumber
		}
		if b {
			return 1, "", nil
		}
		return 0, "", nil
	}
	s := strings.TrimSpace(e.String())
	if slices.Contains(missingText, s) {
		return 0, "", ErrMissingValue
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, s, ErrNotNumber
	}
	return v, "", nil
}

// quoteList formats names as "a", "b", "c" for error messages.
func quoteList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = strconv.Quote(n)
	}
	return strings.Join(q, ", ")
}
