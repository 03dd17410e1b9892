package notebooks_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/go-rod/rod"
	"github.com/go-rod/rod/lib/cdp"
	"github.com/go-rod/rod/lib/launcher"
	"github.com/go-rod/rod/lib/proto"
	"github.com/nnfromscratch/nngo/notebooks/check"
)

// course is a running scripts/course.sh: the command learners use to open
// the course, serving notebooks/ on 127.0.0.1.
type course struct {
	base  string // http://127.0.0.1:port
	token string
}

// courseURL matches the URL that scripts/course.sh prints.
var courseURL = regexp.MustCompile(`open: (http://127\.0\.0\.1:[0-9]+)/\S*\?token=(\S+)`)

// startCourse runs scripts/course.sh with the extra environment settings
// env, waits until its server answers, and stops it (and its kernels) when
// the test ends.
func startCourse(t *testing.T, env ...string) *course {
	t.Helper()
	requireJupyter(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()

	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("bash", filepath.Join(root, "scripts", "course.sh"))
	cmd.Dir = root
	cmd.Env = append(os.Environ(), append([]string{
		fmt.Sprintf("COURSE_PORT=%d", port), "COURSE_NO_BROWSER=1", "COURSE_TOKEN=" + randomHex(24),
	}, env...)...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} // so that a hung server can be killed with its kernels
	logPath := filepath.Join(t.TempDir(), "course.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = logFile
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	urls := make(chan []string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			fmt.Fprintln(logFile, sc.Text())
			if m := courseURL.FindStringSubmatch(sc.Text()); m != nil {
				select {
				case urls <- m:
				default:
				}
			}
		}
	}()
	go func() { _ = cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		// SIGTERM lets Jupyter shut its kernels down (GoNB then stops its
		// gopls and removes its temporary folder). course.sh execs jupyter,
		// so the process is the server itself.
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(30 * time.Second):
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-exited
		}
		logFile.Close()
	})

	var m []string
	select {
	case m = <-urls:
	case <-exited:
		t.Fatalf("scripts/course.sh exited before printing its URL; its log:\n%s", readFile(logPath))
	case <-time.After(15 * time.Minute): // it may run the setup first
		t.Fatalf("scripts/course.sh printed no URL in 15 minutes; its log:\n%s", readFile(logPath))
	}
	c := &course{base: m[1], token: m[2]}
	t.Logf("course served at %s (log %s)", c.base, logPath)
	deadline := time.Now().Add(time.Minute)
	for {
		resp, err := c.do("GET", "/api/status", nil)
		if err == nil && resp.StatusCode == http.StatusOK {
			resp.Body.Close()
			return c
		}
		if time.Now().After(deadline) {
			t.Fatalf("the course server at %s does not answer: %v; its log:\n%s", c.base, err, readFile(logPath))
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// do sends an authenticated request to the Jupyter REST API.
func (c *course) do(method, path string, body any) (*http.Response, error) {
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, err
		}
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, c.base+path, r)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "token "+c.token)
	req.Header.Set("Content-Type", "application/json")
	return http.DefaultClient.Do(req)
}

// getJSON calls the REST API and decodes its JSON answer into v.
func (c *course) getJSON(t *testing.T, method, path string, body, v any) {
	t.Helper()
	resp, err := c.do(method, path, body)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode/100 != 2 {
		t.Fatalf("%s %s: %s\n%s", method, path, resp.Status, b)
	}
	if v != nil {
		if err := json.Unmarshal(b, v); err != nil {
			t.Fatalf("%s %s: %v\n%s", method, path, err, b)
		}
	}
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func readFile(path string) string {
	b, _ := os.ReadFile(path)
	return limitLines(string(b), 80)
}

// kernelChannel is a connection to a kernel through the server's websocket,
// the way a browser talks to it.
type kernelChannel struct {
	ws      cdp.WebSocket
	session string
}

// message is a Jupyter protocol message as the server's websocket carries it.
type message struct {
	Header       map[string]any `json:"header"`
	ParentHeader map[string]any `json:"parent_header"`
	Metadata     map[string]any `json:"metadata"`
	Content      map[string]any `json:"content"`
	Channel      string         `json:"channel"`
	Buffers      []any          `json:"buffers"`
}

// execute runs code in the kernel and returns everything the cell showed:
// streams, display data as text, and errors.
func (k *kernelChannel) execute(t *testing.T, code string) string {
	t.Helper()
	id := randomHex(16)
	req := message{
		Header: map[string]any{"msg_id": id, "msg_type": "execute_request", "session": k.session,
			"username": "test", "version": "5.3", "date": time.Now().UTC().Format(time.RFC3339Nano)},
		ParentHeader: map[string]any{}, Metadata: map[string]any{}, Channel: "shell", Buffers: []any{},
		Content: map[string]any{"code": code, "silent": false, "store_history": true,
			"user_expressions": map[string]any{}, "allow_stdin": false, "stop_on_error": true},
	}
	b, _ := json.Marshal(req)
	if err := k.ws.Send(b); err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	replied, idle := false, false
	for !replied || !idle {
		data, err := k.ws.Read()
		if err != nil {
			t.Fatalf("reading from the kernel: %v (output so far: %q)", err, out.String())
		}
		var m message
		if json.Unmarshal(data, &m) != nil || m.ParentHeader["msg_id"] != id {
			continue // control frames, or messages about other requests
		}
		switch m.Header["msg_type"] {
		case "stream":
			fmt.Fprint(&out, m.Content["text"])
		case "display_data", "execute_result":
			if d, ok := m.Content["data"].(map[string]any); ok {
				for _, mime := range []string{"text/html", "text/markdown", "text/plain"} {
					if s, ok := d[mime].(string); ok {
						fmt.Fprintln(&out, htmlTags.ReplaceAllString(s, ""))
						break
					}
				}
			}
		case "error":
			fmt.Fprintf(&out, "%v: %v\n", m.Content["ename"], m.Content["evalue"])
		case "execute_reply":
			replied = true
		case "status":
			idle = m.Content["execution_state"] == "idle"
		}
	}
	return out.String()
}

// TestCourse starts the course the way a learner does (scripts/course.sh,
// which picks JupyterLab or the Notebook) and runs cells through the served
// GoNB kernel over the same websocket a browser uses.
func TestCourse(t *testing.T) {
	if testing.Short() {
		t.Skip("the course server is not started with -short")
	}
	c := startCourse(t)

	var listing struct {
		Content []struct{ Name string } `json:"content"`
	}
	c.getJSON(t, "GET", "/api/contents", nil, &listing)
	served := map[string]bool{}
	for _, f := range listing.Content {
		served[f.Name] = true
	}
	for _, nb := range chapters(t) {
		if !served[filepath.Base(nb)] {
			t.Errorf("the course does not list %s (it lists %v)", nb, served)
		}
	}

	start := time.Now()
	var session struct {
		ID     string `json:"id"`
		Kernel struct{ ID, Name string }
	}
	c.getJSON(t, "POST", "/api/sessions", map[string]any{"path": "served-kernel-test.ipynb", "type": "notebook",
		"name": "", "kernel": map[string]string{"name": "gonb"}}, &session)
	t.Cleanup(func() {
		if resp, err := c.do("DELETE", "/api/sessions/"+session.ID, nil); err == nil {
			resp.Body.Close()
		}
	})
	k := &kernelChannel{session: randomHex(16)}
	key := make([]byte, 16)
	_, _ = rand.Read(key)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	url := fmt.Sprintf("ws%s/api/kernels/%s/channels?session_id=%s&token=%s",
		strings.TrimPrefix(c.base, "http"), session.Kernel.ID, k.session, c.token)
	if err := k.ws.Connect(ctx, url, http.Header{"Sec-WebSocket-Key": {base64.StdEncoding.EncodeToString(key)}}); err != nil {
		t.Fatalf("connecting to the kernel's websocket: %v", err)
	}
	defer k.ws.Close()

	if out := k.execute(t, setupCell); strings.TrimSpace(out) != "" {
		t.Errorf("the setup cell printed %q, want nothing", out)
	}
	out := k.execute(t, `import "github.com/nnfromscratch/nngo/notebooks/check"

%%
fmt.Println("6 × 7 =", 6*7)
check.Equal("served kernel", 6*7, 42)`)
	for _, want := range []string{"6 × 7 = 42", check.PassMark + " served kernel: pass"} {
		if !strings.Contains(out, want) {
			t.Errorf("the cell's output lacks %q; it is:\n%s", want, out)
		}
	}
	t.Logf("course timing: a session started and two cells ran through the served %s kernel in %.1f s; the cell printed:\n%s",
		session.Kernel.Name, time.Since(start).Seconds(), out)
}

// chromium finds the browser for TestBrowser: $NB_CHROMIUM, else Debian's
// chromium or another Chromium or Chrome that go-rod knows.
func chromium() (string, bool) {
	if p := os.Getenv("NB_CHROMIUM"); p != "" {
		return p, true
	}
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, true
		}
	}
	return launcher.LookPath()
}

// TestBrowser opens every notebook in Chromium, in the classic Notebook UI
// served by scripts/course.sh, runs all cells, and fails on any error
// output or failed check. It keeps a full-page screenshot of each notebook
// in $NB_SCREENSHOTS (scripts/test.sh: build/screenshots/). It runs when
// NB_BROWSER=1, which scripts/test.sh sets.
func TestBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("the browser test does not run with -short")
	}
	if v := os.Getenv("NB_BROWSER"); v == "" || v == "0" {
		t.Skip("set NB_BROWSER=1 to run the notebooks in Chromium (scripts/test.sh does)")
	}
	bin, ok := chromium()
	if !ok {
		t.Fatal("no Chromium found: install it (Debian/Ubuntu: apt-get install chromium), set NB_CHROMIUM=/path/to/chrome, or skip this test with NB_BROWSER=0")
	}
	requireJupyter(t)
	v, err := exec.Command("jupyter", "notebook", "--version").Output()
	major, _, _ := strings.Cut(strings.TrimSpace(string(v)), ".")
	if n, _ := strconv.Atoi(major); err != nil || n != 6 {
		t.Fatalf("this test drives the classic Notebook UI (version 6), found %q (%v): install it (Debian/Ubuntu: apt-get install jupyter-notebook) or skip this test with NB_BROWSER=0",
			strings.TrimSpace(string(v)), err)
	}
	shots := os.Getenv("NB_SCREENSHOTS")
	if shots == "" {
		shots = t.TempDir()
	}
	if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}
	c := startCourse(t, "COURSE_UI=notebook")

	profile := t.TempDir()
	l := launcher.New().Bin(bin).Headless(true).NoSandbox(true).
		Set("disable-gpu").Set("disable-quic").Set("no-first-run").
		Set("disable-background-networking").Set("disable-component-update").Set("disable-sync").
		UserDataDir(profile)
	controlURL, err := l.Launch()
	if err != nil {
		t.Fatalf("starting %s: %v", bin, err)
	}
	browser := rod.New().ControlURL(controlURL)
	if err := browser.Connect(); err != nil {
		l.Kill()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = browser.Close()
		l.Kill()
		l.Cleanup() // waits for Chromium to exit
	})

	for _, path := range chapters(t) {
		name := filepath.Base(path)
		t.Run(strings.TrimSuffix(name, ".ipynb"), func(t *testing.T) {
			before, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			nb, imgs, shot := runInBrowser(t, browser, c, name, shots)
			elapsed := time.Since(start)
			fs := failures(path, nb)
			for _, f := range fs {
				t.Errorf("in the browser: %s", f)
			}
			if after, err := os.ReadFile(path); err != nil || !bytes.Equal(before, after) {
				t.Errorf("%s changed on disk while the browser ran it (autosave must stay off)", path)
			}
			status := "ok"
			if len(fs) > 0 {
				status = fmt.Sprintf("%d failing cells", len(fs))
			}
			t.Logf("browser timing: %s: %.1f s, %s, %d images, screenshot %s", path, elapsed.Seconds(), status, imgs, shot)
		})
	}
}

// runInBrowser opens one notebook, runs all its cells, saves a screenshot
// and returns the notebook as the browser holds it, with its new outputs,
// and the number of images shown.
func runInBrowser(t *testing.T, browser *rod.Browser, c *course, name, shots string) (*notebook, int, string) {
	t.Helper()
	page, err := browser.Page(proto.TargetCreateTarget{URL: fmt.Sprintf("%s/notebooks/%s?token=%s", c.base, name, c.token)})
	if err != nil {
		t.Fatal(err)
	}
	defer page.Close()
	page = page.Timeout(15 * time.Minute)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s in the browser: %v", name, err)
		}
	}
	must(page.WaitLoad())
	must(page.Wait(rod.Eval(`() => window.Jupyter && Jupyter.notebook && Jupyter.notebook.kernel && Jupyter.notebook.kernel.is_connected()`)))
	// Never autosave: the test must not rewrite the notebook file.
	_, err = page.Eval(`() => { Jupyter.notebook.set_autosave_interval(0); Jupyter.notebook.clear_all_output(); Jupyter.notebook.execute_all_cells(); }`)
	must(err)
	must(page.Wait(rod.Eval(`() => Jupyter.notebook.get_cells().filter(c => c.cell_type === 'code')
		.every(c => typeof c.input_prompt_number === 'number') &&
		!document.querySelector('#kernel_indicator_icon.kernel_busy_icon') &&
		(!window.MathJax || !MathJax.Hub || MathJax.Hub.queue.pending === 0)`)))

	res, err := page.Eval(`() => JSON.stringify(Jupyter.notebook.toJSON())`)
	must(err)
	var nb notebook
	must(json.Unmarshal([]byte(res.Value.Str()), &nb))
	res, err = page.Eval(`() => document.querySelectorAll('.output_png img, .output_html img, .output_html svg').length`)
	must(err)
	imgs := res.Value.Int()

	// The classic UI scrolls inside #site: grow the window to the whole
	// notebook and scroll back to its top before taking the picture.
	res, err = page.Eval(`() => document.querySelector('#header').offsetHeight + document.querySelector('#site').scrollHeight`)
	must(err)
	must(proto.EmulationSetDeviceMetricsOverride{Width: 1100, Height: res.Value.Int(), DeviceScaleFactor: 1}.Call(page))
	_, err = page.Eval(`() => { document.querySelector('#site').scrollTop = 0; }`)
	must(err)
	png, err := page.Screenshot(true, &proto.PageCaptureScreenshot{Format: proto.PageCaptureScreenshotFormatPng})
	must(err)
	shot := filepath.Join(shots, strings.TrimSuffix(name, ".ipynb")+".png")
	must(os.WriteFile(shot, png, 0o644))
	_, err = page.Eval(`() => Jupyter.notebook.session.delete()`) // shut the kernel down
	must(err)
	return &nb, imgs, shot
}
