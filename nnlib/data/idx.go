package data

import (
	"bufio"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
)

// IDX limits: more dimensions or more data than this means a corrupt
// header, and is refused before anything is allocated.
const (
	maxIDXDims  = 4
	maxIDXBytes = 1 << 30 // 1 GiB; full MNIST training images are 47 MB
)

// idxTypeNames names the IDX element types for error messages.
var idxTypeNames = map[byte]string{
	0x08: "unsigned byte", 0x09: "signed byte", 0x0B: "16-bit integer",
	0x0C: "32-bit integer", 0x0D: "32-bit float", 0x0E: "64-bit float",
}

// ReadIDX reads an IDX file, the format of MNIST and Fashion-MNIST, from r,
// gzip-compressed or not (a gzip stream is recognized by its first two
// bytes, 1f 8b). The format is
//
//	0x00 0x00 type ndims   magic number; type 0x08 = unsigned byte
//	ndims × uint32          dimensions, big-endian (images: n, rows, cols)
//	data                    dims[0]·dims[1]·… bytes, row-major
//
// It returns the dimensions and the data. Only unsigned bytes (type 0x08)
// and 1 to 4 dimensions are accepted. It returns an error for a bad magic
// number, a zero dimension, a header that announces more than 1 GiB, data
// shorter or longer than the header says ("truncated: header says
// 10000×28×28 = 7840000 bytes, file has 1234"), and corrupt gzip data. Data
// is read as it arrives, so a corrupt header never makes it allocate more
// than the input holds.
func ReadIDX(r io.Reader) (dims []int, data []byte, err error) {
	dims, data, err = readIDX(r)
	if err != nil {
		return nil, nil, fmt.Errorf("nnlib/data: IDX: %w", err)
	}
	return dims, data, nil
}

// ReadIDXFile reads the IDX file at path with [ReadIDX]; errors name the
// file.
func ReadIDXFile(path string) (dims []int, data []byte, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, fmt.Errorf("nnlib/data: %w", err)
	}
	defer f.Close()
	dims, data, err = readIDX(f)
	if err != nil {
		return nil, nil, fmt.Errorf("nnlib/data: %s: %w", path, err)
	}
	return dims, data, nil
}

// gzipError marks an error from the gzip layer, so that a damaged stream is
// not mistaken for an IDX file that is too short.
type gzipError struct{ err error }

func (e *gzipError) Error() string {
	return "corrupt gzip data (damaged or incomplete download?): " + e.err.Error()
}
func (e *gzipError) Unwrap() error { return e.err }

// gzipReader tags every error of a gzip.Reader except io.EOF as a gzipError.
type gzipReader struct{ z *gzip.Reader }

func (g gzipReader) Read(p []byte) (int, error) {
	n, err := g.z.Read(p)
	if err != nil && err != io.EOF {
		err = &gzipError{err}
	}
	return n, err
}

// readIDX is ReadIDX without the error prefix.
func readIDX(r io.Reader) ([]int, []byte, error) {
	br := bufio.NewReader(r)
	head, err := br.Peek(2)
	if len(head) == 0 {
		if err == io.EOF {
			return nil, nil, errors.New("empty file")
		}
		return nil, nil, err
	}
	var src io.Reader = br
	if len(head) == 2 && head[0] == 0x1f && head[1] == 0x8b {
		z, err := gzip.NewReader(br)
		if err != nil {
			return nil, nil, &gzipError{err}
		}
		src = gzipReader{z}
	}

	var magic [4]byte
	if n, err := readFull(src, magic[:]); err != nil {
		return nil, nil, err
	} else if n == 0 {
		return nil, nil, errors.New("empty file (no data after decompression)")
	} else if n < 4 {
		return nil, nil, fmt.Errorf("truncated: only %d of the 4 bytes of the IDX magic number", n)
	}
	if magic[0] != 0 || magic[1] != 0 {
		return nil, nil, fmt.Errorf("not an IDX file: magic number 0x%08x (an IDX file starts with 00 00, a type byte and a dimension count, e.g. 0x00000803 for images)",
			binary.BigEndian.Uint32(magic[:]))
	}
	if magic[2] != 0x08 {
		name := idxTypeNames[magic[2]]
		if name == "" {
			name = "unknown"
		}
		return nil, nil, fmt.Errorf("IDX element type 0x%02x (%s) is not supported; only 0x08 (unsigned byte) is", magic[2], name)
	}
	nd := int(magic[3])
	if nd < 1 || nd > maxIDXDims {
		return nil, nil, fmt.Errorf("IDX header has %d dimensions, want 1 to %d", nd, maxIDXDims)
	}

	var buf [4 * maxIDXDims]byte
	hdr := buf[:4*nd]
	if n, err := readFull(src, hdr); err != nil {
		return nil, nil, err
	} else if n < len(hdr) {
		return nil, nil, fmt.Errorf("truncated: the header needs %d bytes for %d dimensions, file has %d", len(hdr), nd, n)
	}
	dims := make([]int, nd)
	total := uint64(1)
	for i := range dims {
		v := binary.BigEndian.Uint32(hdr[4*i:])
		if v == 0 {
			return nil, nil, fmt.Errorf("IDX header: dimension %d of %d is 0", i+1, nd)
		}
		dims[i] = int(v)
		total *= uint64(v) // cannot overflow: total ≤ 2^30 and v < 2^32 before the check below
		if total > maxIDXBytes {
			return nil, nil, fmt.Errorf("IDX header says %s bytes, more than the %d-byte limit: the header is corrupt",
				dimString(hdr, nd), maxIDXBytes)
		}
	}

	size := int(total)
	data, err := readUpTo(src, size)
	if err != nil {
		return nil, nil, err
	}
	if len(data) < size {
		return nil, nil, fmt.Errorf("truncated: header says %s = %d bytes, file has %d", dimString(hdr, nd), size, len(data))
	}
	// The stream must end here. Reading on also makes gzip check its CRC.
	extra, err := io.Copy(io.Discard, io.LimitReader(src, maxIDXBytes))
	if err != nil {
		return nil, nil, err
	}
	if extra > 0 {
		more := ""
		if extra == maxIDXBytes {
			more = "at least "
		}
		return nil, nil, fmt.Errorf("%s%d bytes after the %s = %d the header announces (wrong dimensions, or two files joined?)",
			more, extra, dimString(hdr, nd), size)
	}
	return dims, data, nil
}

// dimString formats the nd big-endian dimensions in hdr as 10000×28×28.
func dimString(hdr []byte, nd int) string {
	parts := make([]string, nd)
	for i := range parts {
		parts[i] = strconv.FormatUint(uint64(binary.BigEndian.Uint32(hdr[4*i:])), 10)
	}
	return strings.Join(parts, "×")
}

// readFull reads len(p) bytes unless the stream ends first; it returns
// how many it read and any error other than the end of the stream.
func readFull(r io.Reader, p []byte) (int, error) {
	n, err := io.ReadFull(r, p)
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		// io.ReadFull's way of saying the stream ended early. (A gzip
		// stream cut short is a *gzipError instead, returned as an error.)
		return n, nil
	}
	return n, err
}

// readUpTo reads at most size bytes, stopping early at the end of the
// stream. The buffer grows as data arrives (doubling from 1 MiB), so a
// header that lies about the size costs no more memory than the input.
func readUpTo(r io.Reader, size int) ([]byte, error) {
	buf := make([]byte, 0, min(size, 1<<20))
	for len(buf) < size {
		if len(buf) == cap(buf) {
			bigger := make([]byte, len(buf), min(2*cap(buf), size))
			copy(bigger, buf)
			buf = bigger
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
	}
	return buf, nil
}
