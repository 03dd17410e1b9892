package data

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Progress receives download progress ("…: 45% (4.5 of 9.9 MB)"), one
// line per file, redrawn with carriage returns. Set it to nil (or
// io.Discard) for silence.
var Progress io.Writer = os.Stderr

var (
	// httpClient fetches the data sets; tests replace it.
	httpClient = &http.Client{}
	// idleTimeout abandons a mirror that sends nothing (no answer, or no
	// body bytes) for this long.
	idleTimeout = 60 * time.Second
	// userAgent identifies downloads to the mirrors.
	userAgent = "nngo-course-data/1 (+https://" + modulePath + ")"
)

// maxDownload bounds a download whose size is not known in advance.
const maxDownload = 1 << 30

// ensure makes sure dir ("" for the default) has the four files,
// downloading the missing ones, and returns dir.
func (s *remoteSet) ensure(dir string) (string, error) {
	if dir == "" {
		dir = s.defaultDir()
	}
	var missing []remoteFile
	for _, f := range s.files {
		if _, ok := s.find(dir, f); !ok {
			missing = append(missing, f)
		}
	}
	if len(missing) == 0 {
		return dir, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("nnlib/data: %s files are missing and the folder cannot be created: %w (set %s to a writable folder)",
			s.title, err, s.envDir)
	}
	for i, f := range missing {
		failures, err := s.download(dir, f)
		if err != nil {
			return "", err
		}
		if failures != nil {
			return "", s.offlineError(dir, f, failures, missing[i:])
		}
	}
	return dir, nil
}

// download fetches f into dir from the first mirror that delivers it
// intact. It returns one message per failed mirror when none did, and an
// error for a problem no other mirror can fix (the folder is not writable).
func (s *remoteSet) download(dir string, f remoteFile) (failures []string, err error) {
	for _, m := range s.mirrors {
		u := m + f.name
		err := fetch(u, dir, f)
		if err == nil {
			return nil, nil
		}
		var le *localError
		if errors.As(err, &le) {
			return nil, fmt.Errorf("nnlib/data: %s: %w (set %s to a writable folder)", filepath.Join(dir, f.name), le.err, s.envDir)
		}
		failures = append(failures, u+": "+err.Error())
	}
	return failures, nil
}

// offlineError says which mirrors failed and how to get the files by hand.
func (s *remoteSet) offlineError(dir string, f remoteFile, failures []string, missing []remoteFile) error {
	var b strings.Builder
	fmt.Fprintf(&b, "nnlib/data: %s: %s is not in %s and could not be downloaded:\n", s.title, f.name, dir)
	for _, m := range failures {
		fmt.Fprintf(&b, "\t%s\n", m)
	}
	fmt.Fprintf(&b, "Without network access, copy these files into %s (or set %s to a folder that has them):\n", dir, s.envDir)
	for _, m := range missing {
		fmt.Fprintf(&b, "\t%s  (%d bytes, SHA-256 %s)\n", m.name, m.size, m.sha256)
	}
	fmt.Fprintf(&b, "They are published at %s", s.mirrors[0])
	if len(s.mirrors) > 1 {
		fmt.Fprintf(&b, " (also %s)", strings.Join(s.mirrors[1:], ", "))
	}
	b.WriteString("; uncompressed copies (the same names without .gz) work too.")
	if s.hint != "" {
		b.WriteString("\n" + s.hint)
	}
	return errors.New(b.String())
}

// localError marks a failure on this machine (the folder, the disk) that
// another mirror would not fix.
type localError struct{ err error }

func (e *localError) Error() string { return e.err.Error() }
func (e *localError) Unwrap() error { return e.err }

// fetch downloads u into dir/f.name through a temporary file in dir that is
// renamed into place only after its SHA-256 matched and it was synced to
// disk, so the final name never holds a partial or wrong file.
func fetch(u, dir string, f remoteFile) (err error) {
	tmp, err := os.CreateTemp(dir, "."+f.name+".*.part")
	if err != nil {
		return &localError{err}
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	timer := time.AfterFunc(idleTimeout, cancel)
	defer timer.Stop()
	stalled := func(err error) error {
		if ctx.Err() != nil {
			return fmt.Errorf("no data for %v, gave up", idleTimeout)
		}
		return err
	}

	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	req.Header.Set("User-Agent", userAgent)
	// The checksum is of the .gz bytes: ask for them as they are (an
	// explicit Accept-Encoding also stops net/http from decompressing).
	req.Header.Set("Accept-Encoding", "identity")
	resp, err := httpClient.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // the URL is already in the message
		}
		return stalled(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("HTTP %s", resp.Status)
	}
	limit := f.size
	if limit <= 0 {
		limit = maxDownload
	}
	switch {
	case f.size > 0 && resp.ContentLength >= 0 && resp.ContentLength != f.size:
		return fmt.Errorf("the server announces %d bytes, the published file has %d", resp.ContentLength, f.size)
	case resp.ContentLength > limit:
		return fmt.Errorf("the server announces %d bytes, more than the %d-byte limit", resp.ContentLength, limit)
	}
	total := resp.ContentLength
	if total < 0 {
		total = f.size
	}

	h := sha256.New()
	p := newProgressLine(f.name, u, total)
	defer func() { p.finish(err) }()
	body := &idleReader{r: resp.Body, timer: timer, d: idleTimeout}
	n, err := io.Copy(io.MultiWriter(tmp, h, p), io.LimitReader(body, limit+1))
	switch {
	case err != nil && isWriteError(err, tmp):
		return &localError{err}
	case err != nil:
		return fmt.Errorf("interrupted after %d bytes: %w", n, stalled(err))
	case n > limit:
		return fmt.Errorf("the server sent more than the %d bytes expected", limit)
	}
	if got := hex.EncodeToString(h.Sum(nil)); !strings.EqualFold(got, f.sha256) {
		return fmt.Errorf("SHA-256 mismatch: got %s, want %s (a damaged or different file; not kept)", got, f.sha256)
	}
	if err := tmp.Chmod(0o644); err != nil { // CreateTemp makes it 0600
		return &localError{err}
	}
	if err := tmp.Sync(); err != nil {
		return &localError{err}
	}
	if err := tmp.Close(); err != nil {
		return &localError{err}
	}
	if err := os.Rename(tmp.Name(), filepath.Join(dir, f.name)); err != nil {
		return &localError{err}
	}
	if d, err := os.Open(dir); err == nil { // make the rename itself durable
		d.Sync()
		d.Close()
	}
	return nil
}

// isWriteError reports whether err came from writing f (io.Copy does not
// say which side failed).
func isWriteError(err error, f *os.File) bool {
	var pe *os.PathError
	return errors.As(err, &pe) && pe.Path == f.Name()
}

// idleReader restarts timer for d after every read that returns data.
type idleReader struct {
	r     io.Reader
	timer *time.Timer
	d     time.Duration
}

func (r *idleReader) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	if n > 0 {
		r.timer.Reset(r.d)
	}
	return n, err
}

// progressLine draws "nnlib/data: name from host: 45% (4.5 of 9.9 MB)"
// on Progress, redrawing it as the percentage grows.
type progressLine struct {
	w      io.Writer
	prefix string
	total  int64
	done   int64
	shown  int64 // last percentage (or MB, when the total is unknown) shown
}

func newProgressLine(name, u string, total int64) *progressLine {
	host := u
	if pu, err := url.Parse(u); err == nil && pu.Host != "" {
		host = pu.Host
	}
	p := &progressLine{w: Progress, prefix: fmt.Sprintf("nnlib/data: downloading %s from %s: ", name, host), total: total, shown: -1}
	p.draw()
	return p
}

func (p *progressLine) Write(b []byte) (int, error) {
	p.done += int64(len(b))
	p.draw()
	return len(b), nil
}

func (p *progressLine) draw() {
	if p.w == nil {
		return
	}
	const mb = 1e6
	if p.total > 0 {
		pct := min(100, p.done*100/p.total)
		if pct == p.shown {
			return
		}
		p.shown = pct
		fmt.Fprintf(p.w, "\r%s%3d%% (%.1f of %.1f MB)", p.prefix, pct, float64(p.done)/mb, float64(p.total)/mb)
		return
	}
	if m := p.done / mb; m != p.shown {
		p.shown = m
		fmt.Fprintf(p.w, "\r%s%.1f MB", p.prefix, float64(p.done)/mb)
	}
}

// finish ends the line with the outcome of the download.
func (p *progressLine) finish(err error) {
	if p.w == nil {
		return
	}
	if err == nil {
		fmt.Fprintln(p.w, ", SHA-256 verified")
	} else {
		fmt.Fprintf(p.w, ", failed: %v\n", err)
	}
}
