package nnlib

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"math/rand/v2"
	"strings"

	"gonum.org/v1/gonum/mat"
)

// This file saves and loads trained networks, taught in notebook 09-mnist.
// The format is described on Save.

const (
	fileMagic      = "NNLIBNET"
	fileVersion    = 1
	maxHeaderBytes = 1 << 20 // 1 MiB of JSON
	maxLayerDim    = 1 << 24 // in and out of one Linear
	maxLayers      = 1 << 16 // layers in a file, nested ones included
	maxDepth       = 32      // nesting of Sequential layers
	maxParams      = 1 << 32 // float64 values in a file (32 GiB)
)

// layerSpec is one layer of the JSON header.
type layerSpec struct {
	Type   string      `json:"type"`
	In     int         `json:"in,omitempty"`
	Out    int         `json:"out,omitempty"`
	Alpha  float64     `json:"alpha,omitempty"`
	Rate   float64     `json:"rate,omitempty"`
	Layers []layerSpec `json:"layers,omitempty"`
}

type fileHeader struct {
	Layers []layerSpec `json:"layers"`
}

// Save writes net to w: a *Sequential (nested ones included), or a single
// layer of a type this package defines, which [Load] returns as a one-layer
// Sequential. Training state (modes, cached inputs, gradients, RNGs) is not
// saved. Save returns an error, before writing anything, if net contains a
// layer type it does not know or a setting JSON cannot hold (NaN);
// otherwise it returns the first write error.
//
// The file format, version 1:
//
// All integers are unsigned little-endian; offsets are in bytes.
//
//	offset   size  content
//	0        8     magic "NNLIBNET" (ASCII)
//	8        4     format version, uint32 = 1
//	12       4     header length H, uint32, at most 1 MiB
//	16       H     header: UTF-8 JSON describing the architecture
//	16+H     8·P   parameters: P float64 values (IEEE 754 bits, little-endian)
//	16+H+8P  4     CRC-32 (IEEE polynomial, as hash/crc32.ChecksumIEEE) of bytes 0 … 16+H+8P−1
//
// The header lists the layers in order, each with its type and settings:
//
//	{"layers":[{"type":"Linear","in":784,"out":128},{"type":"ReLU"},
//	           {"type":"Dropout","rate":0.2},{"type":"LeakyReLU","alpha":0.05},
//	           {"type":"Sequential","layers":[…]},{"type":"Linear","in":128,"out":10}]}
//
// Types are Linear (in, out), ReLU, LeakyReLU (alpha), Sigmoid, Tanh,
// Softmax, ELU (alpha), GELU, Softplus, Dropout (rate) and Sequential
// (layers, nested). A zero or missing alpha means the layer's default, as in
// the Go structs. The parameters follow in the same order: for each Linear,
// W (in·out values, row by row) and then b (out values). Other layers have
// no parameters. P is therefore Σ over Linear layers of in·out + out.
//
// Taught in notebook 09-mnist.
func Save(w io.Writer, net Layer) error {
	layers := []Layer{net}
	if s, ok := net.(*Sequential); ok {
		layers = s.Layers
	}
	var values []*mat.Dense
	specs, err := describeLayers(layers, "", &values)
	if err != nil {
		return fmt.Errorf("nnlib: Save: %w", err)
	}
	header, err := json.Marshal(fileHeader{Layers: specs})
	if err != nil {
		return fmt.Errorf("nnlib: Save: %w", err)
	}
	if len(header) > maxHeaderBytes {
		return fmt.Errorf("nnlib: Save: the architecture takes %d bytes of JSON, more than the %d a file may hold", len(header), maxHeaderBytes)
	}

	bw := bufio.NewWriter(w)
	sum := crc32.NewIEEE()
	out := io.MultiWriter(bw, sum)
	var prefix [16]byte
	copy(prefix[:8], fileMagic)
	binary.LittleEndian.PutUint32(prefix[8:], fileVersion)
	binary.LittleEndian.PutUint32(prefix[12:], uint32(len(header)))
	if _, err := out.Write(prefix[:]); err != nil {
		return fmt.Errorf("nnlib: Save: %w", err)
	}
	if _, err := out.Write(header); err != nil {
		return fmt.Errorf("nnlib: Save: %w", err)
	}
	buf := make([]byte, 0, 8<<10)
	for _, v := range values {
		raw := v.RawMatrix()
		for i := 0; i < raw.Rows; i++ {
			for _, f := range rowOf(raw, i) {
				buf = binary.LittleEndian.AppendUint64(buf, math.Float64bits(f))
				if len(buf) == cap(buf) {
					if _, err := out.Write(buf); err != nil {
						return fmt.Errorf("nnlib: Save: %w", err)
					}
					buf = buf[:0]
				}
			}
		}
	}
	if _, err := out.Write(buf); err != nil {
		return fmt.Errorf("nnlib: Save: %w", err)
	}
	if _, err := bw.Write(binary.LittleEndian.AppendUint32(nil, sum.Sum32())); err != nil {
		return fmt.Errorf("nnlib: Save: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("nnlib: Save: %w", err)
	}
	return nil
}

// describeLayers returns the header entries for layers and appends the
// parameter matrices to values in file order. path prefixes layer numbers
// in errors ("2." for the layers inside layer 2).
func describeLayers(layers []Layer, path string, values *[]*mat.Dense) ([]layerSpec, error) {
	specs := make([]layerSpec, 0, len(layers))
	for i, l := range layers {
		name := fmt.Sprintf("layer %s%d", path, i)
		var s layerSpec
		switch l := l.(type) {
		case *Linear:
			in, out := l.W.Value.Dims()
			if r, c := l.B.Value.Dims(); r != 1 || c != out {
				return nil, fmt.Errorf("%s: Linear has W %s but b %s; b must be 1×%d", name, dims(in, out), dims(r, c), out)
			}
			s = layerSpec{Type: "Linear", In: in, Out: out}
			*values = append(*values, l.W.Value, l.B.Value)
		case *LeakyReLU:
			s = layerSpec{Type: "LeakyReLU", Alpha: l.Alpha}
		case *ELU:
			s = layerSpec{Type: "ELU", Alpha: l.Alpha}
		case *Dropout:
			s = layerSpec{Type: "Dropout", Rate: l.Rate}
		case *Sequential:
			inner, err := describeLayers(l.Layers, fmt.Sprintf("%s%d.", path, i), values)
			if err != nil {
				return nil, err
			}
			s = layerSpec{Type: "Sequential", Layers: inner}
		default:
			t, ok := simpleLayerName(l)
			if !ok {
				return nil, fmt.Errorf("%s has type %T, which Save does not know; Save knows %s", name, l, knownLayerTypes)
			}
			s = layerSpec{Type: t}
		}
		if math.IsNaN(s.Alpha) || math.IsInf(s.Alpha, 0) || math.IsNaN(s.Rate) || math.IsInf(s.Rate, 0) {
			return nil, fmt.Errorf("%s: %s has a setting that is not a finite number (alpha %g, rate %g)", name, s.Type, s.Alpha, s.Rate)
		}
		specs = append(specs, s)
	}
	return specs, nil
}

const knownLayerTypes = "Linear, ReLU, LeakyReLU, Sigmoid, Tanh, Softmax, ELU, GELU, Softplus, Dropout and Sequential"

// simpleLayerName names the layer types that have no settings.
func simpleLayerName(l Layer) (string, bool) {
	switch l.(type) {
	case *ReLU:
		return "ReLU", true
	case *Sigmoid:
		return "Sigmoid", true
	case *Tanh:
		return "Tanh", true
	case *Softmax:
		return "Softmax", true
	case *GELU:
		return "GELU", true
	case *Softplus:
		return "Softplus", true
	}
	return "", false
}

// Load reads a network written by [Save] and returns it as a Sequential in
// training mode. Dropout layers get their own RNG, seeded from their
// position in the file (set Dropout.RNG to choose another).
//
// It returns an error that says what is wrong when the data is not a
// complete, intact version-1 file: wrong magic, unknown version, truncated
// data, an unknown layer type, implausible sizes, or a CRC-32 mismatch
// (corruption). Memory use is bounded by the size of the data actually
// read, whatever the header claims.
func Load(r io.Reader) (*Sequential, error) {
	layers, err := decode(r)
	if err != nil {
		return nil, fmt.Errorf("nnlib: Load: %w", err)
	}
	return &Sequential{Layers: layers}, nil
}

// LoadInto reads a file written by [Save] and copies its parameters into
// net, which must have the same architecture: the same layer types in the
// same order (net may be a *Sequential or a single layer) and Linear layers
// of the same shapes. Otherwise it returns an error naming the first layer
// that differs and both shapes, and leaves net unchanged. Only parameters
// are copied; net keeps its own settings (Dropout rate, LeakyReLU α) and
// training mode.
func LoadInto(r io.Reader, net Layer) error {
	file, err := decode(r)
	if err != nil {
		return fmt.Errorf("nnlib: LoadInto: %w", err)
	}
	layers := []Layer{net}
	if s, ok := net.(*Sequential); ok {
		layers = s.Layers
	}
	var pairs [][2]*Param
	if err := matchLayers(file, layers, "", &pairs); err != nil {
		return fmt.Errorf("nnlib: LoadInto: %w", err)
	}
	for _, p := range pairs {
		p[1].Value.Copy(p[0].Value)
	}
	return nil
}

// matchLayers checks that the layers net have the architecture of the
// layers read from a file and collects (file, net) parameter pairs.
func matchLayers(file, net []Layer, path string, pairs *[][2]*Param) error {
	if len(file) != len(net) {
		where := "the network"
		if path != "" {
			where = "layer " + strings.TrimSuffix(path, ".")
		}
		return fmt.Errorf("the file has %d layers where %s has %d", len(file), where, len(net))
	}
	for i := range file {
		name := fmt.Sprintf("layer %s%d", path, i)
		fileType, _ := layerTypeName(file[i])
		netType, ok := layerTypeName(net[i])
		if !ok {
			return fmt.Errorf("%s of the network has type %T, which Load does not know", name, net[i])
		}
		if fileType != netType {
			return fmt.Errorf("%s: the file has %s, the network has %s", name, fileType, netType)
		}
		switch f := file[i].(type) {
		case *Linear:
			n := net[i].(*Linear)
			fr, fc := f.W.Value.Dims()
			nr, nc := n.W.Value.Dims()
			br, bc := n.B.Value.Dims()
			if fr != nr || fc != nc {
				return fmt.Errorf("%s: the file has Linear with W %s (%d in, %d out), the network has W %s (%d in, %d out)",
					name, dims(fr, fc), fr, fc, dims(nr, nc), nr, nc)
			}
			if br != 1 || bc != fc {
				return fmt.Errorf("%s: the file has Linear with b %s, the network has b %s", name, dims(1, fc), dims(br, bc))
			}
			*pairs = append(*pairs, [2]*Param{f.W, n.W}, [2]*Param{f.B, n.B})
		case *Sequential:
			if err := matchLayers(f.Layers, net[i].(*Sequential).Layers, fmt.Sprintf("%s%d.", path, i), pairs); err != nil {
				return err
			}
		}
	}
	return nil
}

// layerTypeName returns the file-format name of a layer's type.
func layerTypeName(l Layer) (string, bool) {
	switch l.(type) {
	case *Linear:
		return "Linear", true
	case *LeakyReLU:
		return "LeakyReLU", true
	case *ELU:
		return "ELU", true
	case *Dropout:
		return "Dropout", true
	case *Sequential:
		return "Sequential", true
	}
	return simpleLayerName(l)
}

// errTruncated wraps io.ErrUnexpectedEOF with what was being read.
func errTruncated(what string, err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Errorf("the file is truncated (it ends inside the %s)", what)
	}
	return fmt.Errorf("reading the %s: %w", what, err)
}

// decode reads one file and returns its layers.
func decode(r io.Reader) ([]Layer, error) {
	var prefix [16]byte
	if n, err := io.ReadFull(r, prefix[:]); err != nil {
		if n == 0 && errors.Is(err, io.EOF) {
			return nil, errors.New("the file is empty")
		}
		return nil, errTruncated("16-byte prefix", err)
	}
	if string(prefix[:8]) != fileMagic {
		return nil, fmt.Errorf("not an nnlib network file: it starts with %q, want %q", prefix[:8], fileMagic)
	}
	if v := binary.LittleEndian.Uint32(prefix[8:]); v != fileVersion {
		return nil, fmt.Errorf("the file has format version %d; this nnlib reads version %d only", v, fileVersion)
	}
	headerLen := binary.LittleEndian.Uint32(prefix[12:])
	if headerLen == 0 || headerLen > maxHeaderBytes {
		return nil, fmt.Errorf("implausible header length %d bytes (want 1 to %d); the file is corrupt", headerLen, maxHeaderBytes)
	}
	sum := crc32.NewIEEE()
	sum.Write(prefix[:])

	header := make([]byte, headerLen)
	if _, err := io.ReadFull(r, header); err != nil {
		return nil, errTruncated("architecture header", err)
	}
	sum.Write(header)
	var h fileHeader
	dec := json.NewDecoder(bytes.NewReader(header))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&h); err != nil {
		return nil, fmt.Errorf("the architecture header is not valid (%v); the file is corrupt", err)
	}
	if dec.More() {
		return nil, errors.New("the architecture header has data after its JSON; the file is corrupt")
	}
	var count, params int
	if err := checkSpecs(h.Layers, "", 0, &count, &params); err != nil {
		return nil, fmt.Errorf("%w (in the architecture header)", err)
	}

	// Read the parameters and checksum into a buffer that grows with the
	// data that actually arrives, so a corrupt header cannot make us
	// allocate memory for data that is not there.
	want := int64(params)*8 + 4
	var body bytes.Buffer
	if n, err := io.CopyN(&body, r, want); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("the file is truncated: the header announces %d parameters (%d bytes with the checksum), but only %d bytes follow it",
				params, want, n)
		}
		return nil, fmt.Errorf("reading the parameters: %w", err)
	}
	data := body.Bytes()
	sum.Write(data[:len(data)-4])
	if got, stored := sum.Sum32(), binary.LittleEndian.Uint32(data[len(data)-4:]); got != stored {
		return nil, fmt.Errorf("checksum mismatch (stored CRC-32 %08x, computed %08x): the file is corrupt", stored, got)
	}

	dropouts := 0
	layers, rest := buildLayers(h.Layers, data[:len(data)-4], &dropouts)
	if len(rest) != 0 {
		return nil, errors.New("internal error: parameters left over")
	}
	return layers, nil
}

// checkSpecs validates header entries, counting layers and parameters.
func checkSpecs(specs []layerSpec, path string, depth int, count, params *int) error {
	if depth > maxDepth {
		return fmt.Errorf("Sequential layers are nested more than %d deep", maxDepth)
	}
	for i, s := range specs {
		name := fmt.Sprintf("layer %s%d", path, i)
		if *count++; *count > maxLayers {
			return fmt.Errorf("more than %d layers", maxLayers)
		}
		if s.Type != "Linear" && (s.In != 0 || s.Out != 0) {
			return fmt.Errorf("%s: %s does not take in/out", name, s.Type)
		}
		if s.Type != "LeakyReLU" && s.Type != "ELU" && s.Alpha != 0 {
			return fmt.Errorf("%s: %s does not take alpha", name, s.Type)
		}
		if s.Type != "Dropout" && s.Rate != 0 {
			return fmt.Errorf("%s: %s does not take rate", name, s.Type)
		}
		if s.Type != "Sequential" && s.Layers != nil {
			return fmt.Errorf("%s: %s does not take layers", name, s.Type)
		}
		switch s.Type {
		case "Linear":
			if s.In < 1 || s.In > maxLayerDim || s.Out < 1 || s.Out > maxLayerDim {
				return fmt.Errorf("%s: implausible Linear size %d×%d (each must be 1 to %d)", name, s.In, s.Out, maxLayerDim)
			}
			if *params += s.In*s.Out + s.Out; *params > maxParams {
				return fmt.Errorf("implausible number of parameters, more than %d", maxParams)
			}
		case "Dropout":
			if !(s.Rate >= 0 && s.Rate < 1) {
				return fmt.Errorf("%s: Dropout rate %g is outside [0, 1)", name, s.Rate)
			}
		case "Sequential":
			if err := checkSpecs(s.Layers, fmt.Sprintf("%s%d.", path, i), depth+1, count, params); err != nil {
				return err
			}
		case "ReLU", "LeakyReLU", "Sigmoid", "Tanh", "Softmax", "ELU", "GELU", "Softplus":
		default:
			return fmt.Errorf("%s has unknown type %q; this nnlib knows %s", name, s.Type, knownLayerTypes)
		}
	}
	return nil
}

// buildLayers creates the layers of checked specs, taking their parameters
// from the front of data (little-endian float64) and returning the rest.
func buildLayers(specs []layerSpec, data []byte, dropouts *int) ([]Layer, []byte) {
	layers := make([]Layer, len(specs))
	for i, s := range specs {
		switch s.Type {
		case "Linear":
			l := newLinear(s.In, s.Out)
			data = readFloats(l.W.Value.RawMatrix().Data, data)
			data = readFloats(l.B.Value.RawMatrix().Data, data)
			layers[i] = l
		case "ReLU":
			layers[i] = &ReLU{}
		case "LeakyReLU":
			layers[i] = &LeakyReLU{Alpha: s.Alpha}
		case "Sigmoid":
			layers[i] = &Sigmoid{}
		case "Tanh":
			layers[i] = &Tanh{}
		case "Softmax":
			layers[i] = &Softmax{}
		case "ELU":
			layers[i] = &ELU{Alpha: s.Alpha}
		case "GELU":
			layers[i] = &GELU{}
		case "Softplus":
			layers[i] = &Softplus{}
		case "Dropout":
			*dropouts++
			layers[i] = NewDropout(s.Rate, rand.New(rand.NewPCG(0x6e6e6c6962, uint64(*dropouts))))
		case "Sequential":
			var inner []Layer
			inner, data = buildLayers(s.Layers, data, dropouts)
			layers[i] = &Sequential{Layers: inner}
		}
	}
	return layers, data
}

// readFloats fills dst from the front of data and returns the rest.
func readFloats(dst []float64, data []byte) []byte {
	for j := range dst {
		dst[j] = math.Float64frombits(binary.LittleEndian.Uint64(data[8*j:]))
	}
	return data[8*len(dst):]
}
