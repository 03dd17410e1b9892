package data

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/go-gota/gota/dataframe"
	"github.com/go-gota/gota/series"
	"gonum.org/v1/gonum/mat"
)

// irisFile is the committed copy of Iris, relative to this package.
var irisFile = filepath.Join("..", "..", "data", "iris.csv")

func TestLoadIris(t *testing.T) {
	d, err := LoadIris(irisFile)
	if err != nil {
		t.Fatal(err)
	}
	if r, c := d.X.Dims(); r != 150 || c != 4 {
		t.Fatalf("X is %d×%d, want 150×4", r, c)
	}
	if r, c := d.Y.Dims(); r != 150 || c != 3 {
		t.Fatalf("Y is %d×%d, want 150×3", r, c)
	}
	if !slices.Equal(d.Classes, []string{"setosa", "versicolor", "virginica"}) {
		t.Fatalf("Classes = %v", d.Classes)
	}
	if !slices.Equal(d.Features, irisFeatures) {
		t.Fatalf("Features = %v", d.Features)
	}
	if got := d.ClassCounts(); !slices.Equal(got, []int{50, 50, 50}) {
		t.Fatalf("ClassCounts = %v, want [50 50 50]", got)
	}
	// First and last rows of the file:
	// 5.1,3.5,1.4,0.2,setosa and 5.9,3.0,5.1,1.8,virginica.
	for _, row := range []struct {
		i     int
		x     []float64
		label int
	}{{0, []float64{5.1, 3.5, 1.4, 0.2}, 0}, {149, []float64{5.9, 3.0, 5.1, 1.8}, 2}} {
		if got := mat.Row(nil, row.i, d.X); !slices.Equal(got, row.x) {
			t.Errorf("row %d = %v, want %v", row.i, got, row.x)
		}
		if d.Labels[row.i] != row.label {
			t.Errorf("row %d label %d, want %d", row.i, d.Labels[row.i], row.label)
		}
	}
	if !mat.Equal(d.Y, OneHot(d.Labels, 3)) {
		t.Fatal("Y is not OneHot(Labels)")
	}

	// "" means the repository's data/iris.csv, found from this folder.
	def, err := LoadIris("")
	if err != nil {
		t.Fatal(err)
	}
	if !mat.Equal(def.X, d.X) {
		t.Fatal(`LoadIris("") read different data`)
	}
}

func TestReadDataFrameIris(t *testing.T) {
	df, err := ReadDataFrame(irisFile)
	if err != nil {
		t.Fatal(err)
	}
	if df.Nrow() != 150 || df.Ncol() != 5 {
		t.Fatalf("DataFrame is %d×%d, want 150×5", df.Nrow(), df.Ncol())
	}
	if got := df.Col("species").Type(); got != series.String {
		t.Fatalf("species column type %v, want string", got)
	}
	if got := df.Col("petal_length").Type(); got != series.Float {
		t.Fatalf("petal_length column type %v, want float", got)
	}
	groups := df.GroupBy("species").Aggregation([]dataframe.AggregationType{dataframe.Aggregation_COUNT}, []string{"sepal_length"})
	if groups.Err != nil || groups.Nrow() != 3 {
		t.Fatalf("group by species: %v rows, err %v", groups.Nrow(), groups.Err)
	}

	d, err := FromDataFrame(df, irisFeatures, "species")
	if err != nil {
		t.Fatal(err)
	}
	want, _ := LoadIris(irisFile)
	if !mat.Equal(d.X, want.X) || !mat.Equal(d.Y, want.Y) || !slices.Equal(d.Classes, want.Classes) {
		t.Fatal("FromDataFrame(ReadDataFrame(iris.csv)) differs from LoadIris")
	}
}

// writeCSV writes content to a file in a fresh temporary folder.
func writeCSV(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "table.csv")
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestLoadCSV(t *testing.T) {
	t.Run("regression target and default features", func(t *testing.T) {
		path := writeCSV(t, "\uFEFFa, b ,y\n1,2,3.5\n 4 ,5e-1,-6\n")
		d, err := LoadCSV(path, nil, "y")
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(d.Features, []string{"a", "b"}) {
			t.Fatalf("Features = %v, want [a b] (BOM and spaces dropped)", d.Features)
		}
		if !mat.Equal(d.X, mat.NewDense(2, 2, []float64{1, 2, 4, 0.5})) || !mat.Equal(d.Y, mat.NewDense(2, 1, []float64{3.5, -6})) {
			t.Fatalf("X = %v, Y = %v", mat.Formatted(d.X), mat.Formatted(d.Y))
		}
		if d.Labels != nil || d.Classes != nil {
			t.Fatal("a numeric target gave classes")
		}
	})

	t.Run("class target, sorted classes", func(t *testing.T) {
		path := writeCSV(t, "x,kind\n1,zebra\n2,ant\n3,zebra\n4,moth\n")
		d, err := LoadCSV(path, []string{"x"}, "kind")
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(d.Classes, []string{"ant", "moth", "zebra"}) || !slices.Equal(d.Labels, []int{2, 0, 2, 1}) {
			t.Fatalf("Classes %v, Labels %v", d.Classes, d.Labels)
		}
	})

	t.Run("no target", func(t *testing.T) {
		d, err := LoadCSV(writeCSV(t, "p,q\n1,2\n"), []string{"q", "p"}, "")
		if err != nil {
			t.Fatal(err)
		}
		if d.Y != nil || !slices.Equal(mat.Row(nil, 0, d.X), []float64{2, 1}) {
			t.Fatalf("X %v, Y %v", mat.Formatted(d.X), d.Y)
		}
	})

	t.Run("quoted field over two lines", func(t *testing.T) {
		path := writeCSV(t, "name,v\n\"two\nlines\",1\nok,\n")
		_, err := LoadCSV(path, []string{"v"}, "name")
		wantErr(t, err, path, "line 4", `column "v"`, "missing value")
	})

	for _, tc := range []struct {
		name, content string
		features      []string
		target        string
		want          []string
		is            error
	}{
		{"unknown feature", "a,b,c\n1,2,3\n", []string{"a", "B"}, "c",
			[]string{`no feature column "B"`, `the columns are "a", "b", "c"`}, nil},
		{"unknown target", "a,b\n1,2\n", []string{"a"}, "label",
			[]string{`no target column "label"`, `"a", "b"`}, nil},
		{"missing value", "a,b\n1,2\n3,\n", []string{"a", "b"}, "",
			[]string{`line 3, column "b": missing value`}, ErrMissingValue},
		{"NA", "a,b\n1,NA\n", []string{"a", "b"}, "",
			[]string{`line 2, column "b": missing value`}, ErrMissingValue},
		{"UCI question mark", "a,b\n1,2\n1,?\n", []string{"a"}, "b",
			[]string{`line 3, column "b": missing value`}, ErrMissingValue},
		{"non-numeric", "a,b\n1,2\n3,4\n5,x7\n", []string{"a", "b"}, "",
			[]string{`line 4, column "b": "x7" is not a number`}, ErrNotNumber},
		{"decimal comma", "a,b\n\"1,5\",2\n", nil, "",
			[]string{`"1,5" is not a number`}, ErrNotNumber},
		{"infinite", "a\nInf\n", nil, "",
			[]string{`"Inf" is not a finite number`}, ErrNotNumber},
		{"missing class", "a,kind\n1,x\n2,\n", []string{"a"}, "kind",
			[]string{`line 3, column "kind": missing value`}, ErrMissingValue},
		{"missing regression target", "a,y\n1,2\n2,NaN\n", []string{"a"}, "y",
			[]string{`line 3, column "y": missing value`}, ErrMissingValue},
		{"empty file", "", nil, "", []string{"the file is empty"}, nil},
		{"only blank lines", "\n\n  \n", nil, "", []string{"the file is empty"}, nil},
		{"header only", "a,b\n", nil, "", []string{"a header but no data rows"}, nil},
		{"ragged row", "a,b\n1,2\n3\n", nil, "", []string{"record on line 3: wrong number of fields"}, nil},
		{"target is a feature", "a,b\n1,2\n", []string{"a", "b"}, "b", []string{`column "b" is both a feature and the target`}, nil},
		{"only the target", "y\n1\n", nil, "y", []string{"no feature columns"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := writeCSV(t, tc.content)
			_, err := LoadCSV(path, tc.features, tc.target)
			wantErr(t, err, append([]string{"nnlib/data: " + path}, tc.want...)...)
			if tc.is != nil {
				var fe *FieldError
				if !errors.Is(err, tc.is) || !errors.As(err, &fe) || fe.File != path {
					t.Fatalf("error %v is not a *FieldError for %v in %s", err, tc.is, path)
				}
			}
		})
	}

	_, err := LoadCSV(filepath.Join(t.TempDir(), "nope.csv"), nil, "")
	wantErr(t, err, "nope.csv", "no such file")
}

func TestFromDataFrame(t *testing.T) {
	t.Run("numeric columns with NaN", func(t *testing.T) {
		// Forcing a column to float turns "oops" into NaN without an
		// error; FromDataFrame must still refuse it, and say where.
		df := dataframe.LoadRecords([][]string{{"a", "b"}, {"1", "2"}, {"3", "oops"}},
			dataframe.WithTypes(map[string]series.Type{"b": series.Float}))
		if df.Err != nil {
			t.Fatal(df.Err)
		}
		_, err := FromDataFrame(df, []string{"a", "b"}, "")
		wantErr(t, err, `DataFrame row 1, column "b": missing value`)
		var fe *FieldError
		if !errors.As(err, &fe) || fe.Row != 1 || fe.Column != "b" {
			t.Fatalf("error %#v", err)
		}
	})

	t.Run("int target is regression, bool feature is 0/1", func(t *testing.T) {
		df := dataframe.LoadRecords([][]string{{"f", "y"}, {"true", "3"}, {"false", "4"}})
		d, err := FromDataFrame(df, []string{"f"}, "y")
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(mat.Col(nil, 0, d.X), []float64{1, 0}) || !slices.Equal(mat.Col(nil, 0, d.Y), []float64{3, 4}) || d.Labels != nil {
			t.Fatalf("X %v, Y %v, Labels %v", mat.Formatted(d.X), mat.Formatted(d.Y), d.Labels)
		}
	})

	t.Run("numbers as text become classes", func(t *testing.T) {
		df := dataframe.LoadRecords([][]string{{"f", "digit"}, {"1", "7"}, {"2", "3"}},
			dataframe.WithTypes(map[string]series.Type{"digit": series.String}))
		d, err := FromDataFrame(df, nil, "digit")
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(d.Classes, []string{"3", "7"}) || !slices.Equal(d.Labels, []int{1, 0}) {
			t.Fatalf("Classes %v, Labels %v", d.Classes, d.Labels)
		}
	})

	t.Run("frame with an error", func(t *testing.T) {
		_, err := FromDataFrame(dataframe.DataFrame{Err: errors.New("boom")}, nil, "")
		wantErr(t, err, "boom")
	})

	t.Run("unknown column", func(t *testing.T) {
		df := dataframe.LoadRecords([][]string{{"a"}, {"1"}})
		_, err := FromDataFrame(df, []string{"z"}, "")
		wantErr(t, err, "nnlib/data: DataFrame: no feature column \"z\"; the columns are \"a\"")
	})
}

func TestReadDataFrameErrors(t *testing.T) {
	_, err := ReadDataFrame(writeCSV(t, ""))
	wantErr(t, err, "table.csv", "the file is empty")
	_, err = ReadDataFrame(writeCSV(t, "a,b\n1\n"))
	wantErr(t, err, "table.csv", "wrong number of fields")
}
