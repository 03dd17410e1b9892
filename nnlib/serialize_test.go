package nnlib

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"hash/crc32"
	"io"
	"math"
	"runtime"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// saveTestNet returns a small network with every layer type Save knows.
func saveTestNet(seed uint64) *Sequential {
	rng := ltRNG(seed)
	return NewSequential(
		NewLinear(3, 4, HeNormal, rng), &ReLU{}, &LeakyReLU{Alpha: 0.2}, NewDropout(0.25, rng),
		NewSequential(NewLinear(4, 4, nil, rng), &Tanh{}, &ELU{Alpha: 0.5}, &GELU{}),
		&Sigmoid{}, &Softplus{}, &LeakyReLU{}, &ELU{},
		NewLinear(4, 2, nil, rng), &Softmax{},
	)
}

func saveBytes(t *testing.T, net Layer) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Save(&buf, net); err != nil {
		t.Fatalf("Save: %v", err)
	}
	return buf.Bytes()
}

// fileWith builds a file with the given version, header and parameters and
// a correct checksum, for testing what Load does with a well-formed file
// whose contents are wrong.
func fileWith(version uint32, header string, params []float64) []byte {
	b := []byte(fileMagic)
	b = binary.LittleEndian.AppendUint32(b, version)
	b = binary.LittleEndian.AppendUint32(b, uint32(len(header)))
	b = append(b, header...)
	for _, v := range params {
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(v))
	}
	return binary.LittleEndian.AppendUint32(b, crc32.ChecksumIEEE(b))
}

func TestSaveLoadRoundTrip(t *testing.T) {
	net := saveTestNet(1)
	data := saveBytes(t, net)
	loaded, err := Load(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	x := ltRand(ltRNG(2), 6, 3, -2, 2)
	if !ltEqualData(Predict(net, x), Predict(loaded, x)) {
		t.Error("the loaded network's outputs differ from the saved one's")
	}
	ps, lps := net.Params(), loaded.Params()
	if len(ps) != len(lps) {
		t.Fatalf("loaded %d params, want %d", len(lps), len(ps))
	}
	for i := range ps {
		if ps[i].Name != lps[i].Name || !ltEqualData(ps[i].Value, lps[i].Value) {
			t.Errorf("param %d differs after the round trip", i)
		}
	}
	// Settings survive; Dropout gets an RNG and the loaded net trains.
	if a := loaded.Layers[2].(*LeakyReLU).Alpha; a != 0.2 {
		t.Errorf("LeakyReLU alpha %g, want 0.2", a)
	}
	if e := loaded.Layers[4].(*Sequential).Layers[2].(*ELU).Alpha; e != 0.5 {
		t.Errorf("ELU alpha %g, want 0.5", e)
	}
	d := loaded.Layers[3].(*Dropout)
	if d.Rate != 0.25 || d.RNG == nil || !d.Training() {
		t.Errorf("Dropout rate %g, RNG %v, training %v", d.Rate, d.RNG != nil, d.Training())
	}
	if err := loaded.Validate(); err != nil {
		t.Errorf("Validate of the loaded network: %v", err)
	}
	loaded.Backward(MSE{}.Grad(loaded.Forward(x), ltRand(ltRNG(3), 6, 2, 0, 1)))

	// Saving the loaded network gives the same bytes.
	if again := saveBytes(t, loaded); !bytes.Equal(again, data) {
		t.Error("Save(Load(file)) differs from file")
	}
}

// TestSaveFormat checks the byte layout documented in serialize.go.
func TestSaveFormat(t *testing.T) {
	l := NewLinear(2, 3, nil, ltRNG(4))
	l.B.Value.Set(0, 2, -1.5)
	data := saveBytes(t, l)
	if string(data[:8]) != "NNLIBNET" {
		t.Errorf("magic %q", data[:8])
	}
	if v := binary.LittleEndian.Uint32(data[8:]); v != 1 {
		t.Errorf("version %d", v)
	}
	h := int(binary.LittleEndian.Uint32(data[12:]))
	var header struct {
		Layers []map[string]any `json:"layers"`
	}
	if err := json.Unmarshal(data[16:16+h], &header); err != nil {
		t.Fatalf("header %q: %v", data[16:16+h], err)
	}
	if len(header.Layers) != 1 || header.Layers[0]["type"] != "Linear" || header.Layers[0]["in"] != 2.0 || header.Layers[0]["out"] != 3.0 {
		t.Errorf("header %s", data[16:16+h])
	}
	params := data[16+h : len(data)-4]
	if len(params) != 8*(2*3+3) {
		t.Fatalf("%d parameter bytes, want %d", len(params), 8*9)
	}
	float := func(i int) float64 { return math.Float64frombits(binary.LittleEndian.Uint64(params[8*i:])) }
	if float(0) != l.W.Value.At(0, 0) || float(5) != l.W.Value.At(1, 2) || float(8) != -1.5 {
		t.Errorf("parameters are not W row by row, then b")
	}
	if got, want := binary.LittleEndian.Uint32(data[len(data)-4:]), crc32.ChecksumIEEE(data[:len(data)-4]); got != want {
		t.Errorf("CRC %08x, want %08x", got, want)
	}
	// A single layer loads as a one-layer Sequential.
	s, err := Load(bytes.NewReader(data))
	if err != nil || len(s.Layers) != 1 {
		t.Fatalf("Load of a single Linear: %v, %v", s, err)
	}
	if !ltEqualData(s.Layers[0].(*Linear).W.Value, l.W.Value) {
		t.Error("single Linear round trip")
	}
}

// TestLoadRejectsDamage checks that every truncation and every flipped bit
// is reported as an error (and never a panic or a silently wrong network).
func TestLoadRejectsDamage(t *testing.T) {
	data := saveBytes(t, saveTestNet(5))
	for n := 0; n < len(data); n++ {
		if _, err := Load(bytes.NewReader(data[:n])); err == nil {
			t.Fatalf("Load of the first %d of %d bytes: no error", n, len(data))
		}
	}
	bad := append([]byte(nil), data...)
	for i := range bad {
		for bit := 0; bit < 8; bit++ {
			bad[i] ^= 1 << bit
			if _, err := Load(bytes.NewReader(bad)); err == nil {
				t.Fatalf("byte %d with bit %d flipped: no error", i, bit)
			}
			bad[i] ^= 1 << bit
		}
	}
	if _, err := Load(bytes.NewReader(bad)); err != nil {
		t.Fatalf("the undamaged copy: %v", err)
	}
}

func TestLoadErrors(t *testing.T) {
	good := saveBytes(t, saveTestNet(6))
	linear := `{"layers":[{"type":"Linear","in":1,"out":1}]}`
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "empty"},
		{"truncated prefix", good[:10], "truncated"},
		{"truncated parameters", good[:len(good)-9], "truncated"},
		{"wrong magic", append([]byte("PK\x03\x04xxxx"), good[8:]...), "not an nnlib network file"},
		{"unknown version", fileWith(2, linear, []float64{1, 2}), "version 2"},
		{"bad checksum", append(append([]byte(nil), good[:len(good)-1]...), good[len(good)-1]^0xff), "checksum mismatch"},
		{"unknown layer type", fileWith(1, `{"layers":[{"type":"Conv2D"}]}`, nil), `unknown type "Conv2D"`},
		{"unknown field", fileWith(1, `{"layers":[{"type":"ReLU","kernel":3}]}`, nil), "not valid"},
		{"not JSON", fileWith(1, `layers: ReLU`, nil), "not valid"},
		{"setting on the wrong layer", fileWith(1, `{"layers":[{"type":"ReLU","rate":0.5}]}`, nil), "does not take rate"},
		{"bad dropout rate", fileWith(1, `{"layers":[{"type":"Dropout","rate":1.5}]}`, nil), "outside [0, 1)"},
		{"implausible Linear", fileWith(1, `{"layers":[{"type":"Linear","in":1073741824,"out":10}]}`, nil), "implausible Linear size"},
		{"zero Linear", fileWith(1, `{"layers":[{"type":"Linear","in":0,"out":10}]}`, nil), "implausible Linear size"},
		{"implausible parameter count", fileWith(1, `{"layers":[{"type":"Linear","in":16000000,"out":16000000}]}`, nil), "implausible number of parameters"},
		{"implausible header length", append([]byte("NNLIBNET\x01\x00\x00\x00\xff\xff\xff\x7f"), good[16:]...), "implausible header length"},
		{"too few parameters", fileWith(1, linear, []float64{1}), "truncated"},
		{"too many parameters", fileWith(1, linear, []float64{1, 2, 3}), "checksum mismatch"},
		{"too deep", fileWith(1, deepHeader(40), nil), "nested more than"},
	}
	for _, tt := range tests {
		_, err := Load(bytes.NewReader(tt.data))
		if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "nnlib: Load: ") {
			t.Errorf("%s: error %v, want one containing %q", tt.name, err, tt.want)
		}
	}
}

// deepHeader returns a header with Sequential layers nested depth deep.
func deepHeader(depth int) string {
	inner := "[]"
	for range depth {
		inner = `[{"type":"Sequential","layers":` + inner + `}]`
	}
	return `{"layers":` + inner + `}`
}

// TestLoadBoundedMemory checks that a header announcing gigabytes of
// parameters that are not there fails without allocating them.
func TestLoadBoundedMemory(t *testing.T) {
	// 60000×60000 weights: 28.8 GB claimed, 16 bytes present.
	data := fileWith(1, `{"layers":[{"type":"Linear","in":60000,"out":60000}]}`, []float64{1, 2})
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := Load(bytes.NewReader(data))
	runtime.ReadMemStats(&after)
	if err == nil || !strings.Contains(err.Error(), "truncated") {
		t.Errorf("error %v, want truncated", err)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 1<<20 {
		t.Errorf("Load allocated %d bytes for a 16-byte body", alloc)
	}
}

// TestLoadStream checks that Load reads exactly one file from a stream.
func TestLoadStream(t *testing.T) {
	a, b := saveTestNet(7), saveTestNet(8)
	var buf bytes.Buffer
	if err := Save(&buf, a); err != nil {
		t.Fatal(err)
	}
	if err := Save(&buf, b); err != nil {
		t.Fatal(err)
	}
	la, err := Load(&buf)
	if err != nil {
		t.Fatal(err)
	}
	lb, err := Load(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if !ltEqualData(la.Params()[0].Value, a.Params()[0].Value) || !ltEqualData(lb.Params()[0].Value, b.Params()[0].Value) {
		t.Error("two networks in one stream came back wrong")
	}
}

type customLayer struct{ ReLU }

type failingWriter struct{ n int }

func (w *failingWriter) Write(p []byte) (int, error) {
	if w.n+len(p) > 20 {
		return 0, errors.New("disk full")
	}
	w.n += len(p)
	return len(p), nil
}

func TestSaveErrors(t *testing.T) {
	var buf bytes.Buffer
	net := NewSequential(NewLinear(2, 2, nil, ltRNG(1)), NewSequential(&ReLU{}, &customLayer{}))
	err := Save(&buf, net)
	if err == nil || !strings.Contains(err.Error(), "layer 1.1 has type *nnlib.customLayer, which Save does not know") {
		t.Errorf("unknown layer: %v", err)
	}
	if buf.Len() != 0 {
		t.Errorf("Save wrote %d bytes before failing", buf.Len())
	}
	if err := Save(&buf, &customLayer{}); err == nil || !strings.Contains(err.Error(), "*nnlib.customLayer") {
		t.Errorf("single unknown layer: %v", err)
	}
	if err := Save(&buf, &LeakyReLU{Alpha: math.NaN()}); err == nil || !strings.Contains(err.Error(), "not a finite number") {
		t.Errorf("NaN alpha: %v", err)
	}
	if err := Save(&failingWriter{}, saveTestNet(1)); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("failing writer: %v", err)
	}
}

func TestLoadInto(t *testing.T) {
	src := saveTestNet(10)
	data := saveBytes(t, src)
	dst := saveTestNet(11) // same architecture, other weights
	if err := LoadInto(bytes.NewReader(data), dst); err != nil {
		t.Fatalf("LoadInto: %v", err)
	}
	x := ltRand(ltRNG(12), 5, 3, -1, 1)
	if !ltEqualData(Predict(src, x), Predict(dst, x)) {
		t.Error("LoadInto: outputs differ from the saved network's")
	}

	// A single layer into a single layer.
	l := NewLinear(3, 4, nil, ltRNG(13))
	into := NewLinear(3, 4, nil, ltRNG(14))
	if err := LoadInto(bytes.NewReader(saveBytes(t, l)), into); err != nil || !ltEqualData(l.W.Value, into.W.Value) {
		t.Errorf("LoadInto single Linear: %v", err)
	}

	rng := ltRNG(15)
	tests := []struct {
		name string
		net  Layer
		want []string
	}{
		{"Linear shape", NewSequential(
			NewLinear(3, 5, nil, rng), &ReLU{}, &LeakyReLU{}, NewDropout(0.25, rng),
			NewSequential(NewLinear(5, 4, nil, rng), &Tanh{}, &ELU{}, &GELU{}),
			&Sigmoid{}, &Softplus{}, &LeakyReLU{}, &ELU{}, NewLinear(4, 2, nil, rng), &Softmax{}),
			[]string{"layer 0", "W 3×4", "W 3×5"}},
		{"nested type", NewSequential(
			NewLinear(3, 4, nil, rng), &ReLU{}, &LeakyReLU{}, NewDropout(0.25, rng),
			NewSequential(NewLinear(4, 4, nil, rng), &Tanh{}, &ReLU{}, &GELU{}),
			&Sigmoid{}, &Softplus{}, &LeakyReLU{}, &ELU{}, NewLinear(4, 2, nil, rng), &Softmax{}),
			[]string{"layer 4.2", "the file has ELU, the network has ReLU"}},
		{"layer count", NewSequential(NewLinear(3, 4, nil, rng)), []string{"11 layers", "has 1"}},
		{"single layer", NewLinear(3, 4, nil, rng), []string{"11 layers"}},
		{"unknown layer", NewSequential(&customLayer{}, &ReLU{}, &ReLU{}, &ReLU{}, &ReLU{}, &ReLU{}, &ReLU{}, &ReLU{}, &ReLU{}, &ReLU{}, &ReLU{}),
			[]string{"layer 0", "*nnlib.customLayer"}},
	}
	for _, tt := range tests {
		before := make([]*mat.Dense, 0)
		for _, p := range tt.net.Params() {
			before = append(before, mat.DenseCopyOf(p.Value))
		}
		err := LoadInto(bytes.NewReader(data), tt.net)
		if err == nil {
			t.Errorf("%s: no error", tt.name)
			continue
		}
		for _, w := range tt.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error %q does not mention %q", tt.name, err, w)
			}
		}
		for i, p := range tt.net.Params() {
			if !ltEqualData(p.Value, before[i]) {
				t.Errorf("%s: a failed LoadInto changed parameter %d", tt.name, i)
			}
		}
	}
	if err := LoadInto(bytes.NewReader(data[:40]), dst); err == nil || !strings.Contains(err.Error(), "truncated") {
		t.Errorf("LoadInto of a truncated file: %v", err)
	}
	if err := LoadInto(iotestErrReader{}, dst); err == nil || !strings.Contains(err.Error(), "boom") {
		t.Errorf("LoadInto with a failing reader: %v", err)
	}
}

type iotestErrReader struct{}

func (iotestErrReader) Read([]byte) (int, error) { return 0, errors.New("boom") }

var _ io.Reader = iotestErrReader{}
