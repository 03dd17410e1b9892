// Package scripts_test checks the files that set up, run and ship the
// course: the shell scripts, the Makefile, .ci/run, the Docker image and
// compose file, the dev container and the Binder configuration, and the
// README's commands and chapter table. None of them is run for real here
// (no Docker engine, no Binder); they are linted, parsed, and checked for
// the files they refer to.
//
// A check whose tool is missing (shellcheck, docker-compose, npm's
// dockerfile-utils) is skipped, unless COURSE_STRICT is set, as .ci/run
// does; then it fails.
package scripts_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// root is the repository root, seen from this package's folder.
const root = ".."

// tool finds a program a check needs, or skips (fails with COURSE_STRICT).
func tool(t *testing.T, name string, paths ...string) string {
	t.Helper()
	for _, p := range paths {
		if _, err := os.Stat(p); err == nil {
			abs, _ := filepath.Abs(p)
			return abs
		}
	}
	p, err := exec.LookPath(name)
	if err == nil {
		return p
	}
	msg := name + " is not installed (.ci/run installs it)"
	if os.Getenv("COURSE_STRICT") != "" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

func read(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, path))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// run runs a command in dir and fails the test with its output if it fails.
func run(t *testing.T, dir string, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s (in %s): %v\n%s", name, strings.Join(args, " "), dir, err, out)
	}
	return string(out)
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

// shellScripts are the repository's bash scripts.
var shellScripts = []string{
	"scripts/lib.sh", "scripts/setup.sh", "scripts/course.sh", "scripts/test.sh", "scripts/notebooks.sh",
	".ci/run", "binder/postBuild", "binder/start",
}

func TestShellScripts(t *testing.T) {
	for _, s := range shellScripts {
		info, err := os.Stat(filepath.Join(root, s))
		if err != nil {
			t.Fatal(err)
		}
		if s != "scripts/lib.sh" && info.Mode()&0o111 == 0 {
			t.Errorf("%s is not executable: chmod +x %s", s, s)
		}
	}
	sc := tool(t, "shellcheck")
	run(t, root, sc, append([]string{"-x"}, shellScripts...)...)
}

func TestMakefile(t *testing.T) {
	mk := read(t, "Makefile")
	for target, script := range map[string]string{
		"setup": "scripts/setup.sh", "course": "scripts/course.sh",
		"test": "scripts/test.sh", "notebooks": "scripts/notebooks.sh",
	} {
		re := regexp.MustCompile(`(?m)^` + target + `:.*\n\t` + regexp.QuoteMeta(script) + `\b`)
		if !re.MatchString(mk) {
			t.Errorf("Makefile: target %s does not run %s", target, script)
		}
	}
	if first := regexp.MustCompile(`(?m)^[a-z]+:`).FindString(mk); first != "help:" {
		t.Error("Makefile: the first target, which plain `make` runs, should be help")
	}
}

// TestReadme checks that the README's commands are the ones the repository
// runs, and that its chapter table lists exactly the notebooks there are.
func TestReadme(t *testing.T) {
	readme := read(t, "README.md")
	for _, cmd := range []string{"make course", "make test", "scripts/course.sh", "scripts/test.sh",
		"docker compose -f docker/compose.yaml up", "mybinder.org"} {
		if !strings.Contains(readme, cmd) {
			t.Errorf("README.md does not mention %q", cmd)
		}
	}
	if ci := read(t, ".ci/run"); !regexp.MustCompile(`(?m)^make test$`).MatchString(ci) {
		t.Error(".ci/run does not run the README's test command, make test")
	}

	nbs, err := filepath.Glob(filepath.Join(root, "notebooks", "[0-9][0-9]-*.ipynb"))
	if err != nil {
		t.Fatal(err)
	}
	listed := regexp.MustCompile(`\(notebooks/([0-9]{2}-[a-z0-9-]+\.ipynb)\)`).FindAllStringSubmatch(readme, -1)
	inTable := map[string]bool{}
	for _, m := range listed {
		inTable[m[1]] = true
	}
	for _, nb := range nbs {
		if !inTable[filepath.Base(nb)] {
			t.Errorf("README.md's chapter table does not link notebooks/%s", filepath.Base(nb))
		}
	}
	// Chapters that are planned but not written yet are listed without a link.
	for name := range inTable {
		if _, err := os.Stat(filepath.Join(root, "notebooks", name)); err != nil {
			t.Errorf("README.md links notebooks/%s, which does not exist", name)
		}
	}
}

func TestDevcontainer(t *testing.T) {
	var dc struct {
		Image             string `json:"image"`
		PostCreateCommand string `json:"postCreateCommand"`
		Customizations    struct {
			VSCode struct {
				Extensions []string `json:"extensions"`
			} `json:"vscode"`
		} `json:"customizations"`
	}
	// Plain JSON (no comments), so that this strict parse reads it.
	if err := json.Unmarshal([]byte(read(t, ".devcontainer/devcontainer.json")), &dc); err != nil {
		t.Fatalf(".devcontainer/devcontainer.json: %v", err)
	}
	if !regexp.MustCompile(`^mcr\.microsoft\.com/devcontainers/go:[0-9]+-1\.[0-9]+-[a-z]+$`).MatchString(dc.Image) {
		t.Errorf("image %q: want a Go dev container image pinned to a Go minor version and a Debian release", dc.Image)
	}
	if m := regexp.MustCompile(`go:[0-9]+-1\.([0-9]+)`).FindStringSubmatch(dc.Image); m != nil && atoi(m[1]) < 25 {
		t.Errorf("image %q: gopls %s needs Go 1.25 or newer", dc.Image, "v0.21.0")
	}
	script := strings.Fields(dc.PostCreateCommand)
	if len(script) == 0 {
		t.Fatal("no postCreateCommand")
	}
	if info, err := os.Stat(filepath.Join(root, script[0])); err != nil || info.Mode()&0o111 == 0 {
		t.Errorf("postCreateCommand %q: %s is not an executable file in the repository", dc.PostCreateCommand, script[0])
	}
	for _, ext := range []string{"golang.go", "ms-toolsai.jupyter"} {
		if !slices.Contains(dc.Customizations.VSCode.Extensions, ext) {
			t.Errorf("extension %s is not installed (extensions: %v)", ext, dc.Customizations.VSCode.Extensions)
		}
	}
}

// goVersionIn returns the Go version a file pins with `NAME=1.x.y`.
func goVersionIn(t *testing.T, path, name string) string {
	t.Helper()
	m := regexp.MustCompile(`(?m)^(?:ARG )?` + name + `=(1\.[0-9]+\.[0-9]+)$`).FindStringSubmatch(read(t, path))
	if m == nil {
		t.Fatalf("%s does not pin %s=1.x.y", path, name)
	}
	return m[1]
}

func TestDockerfile(t *testing.T) {
	df := read(t, "docker/Dockerfile")
	goVersion := goVersionIn(t, "docker/Dockerfile", "GO_VERSION")
	froms := regexp.MustCompile(`(?m)^FROM\s+(\S+)(?:\s+AS\s+(\S+))?`).FindAllStringSubmatch(df, -1)
	if len(froms) == 0 {
		t.Fatal("docker/Dockerfile has no FROM")
	}
	stages := map[string]bool{}
	for _, f := range froms {
		image := strings.ReplaceAll(f[1], "${GO_VERSION}", goVersion)
		name, tag, ok := strings.Cut(image, ":")
		if !ok || tag == "" || tag == "latest" || strings.Contains(tag, "$") {
			t.Errorf("FROM %s: pin the image to a version or date tag", f[1])
		}
		if strings.HasPrefix(name, "quay.io/jupyter/") && !regexp.MustCompile(`^20[0-9]{2}-[0-9]{2}-[0-9]{2}$`).MatchString(tag) {
			t.Errorf("FROM %s: pin the docker-stacks image by its date tag", f[1])
		}
		stages[f[2]] = true
	}
	if !strings.HasPrefix(froms[len(froms)-1][1], "quay.io/jupyter/") {
		t.Errorf("the final image should be a docker-stacks image, not %s", froms[len(froms)-1][1])
	}
	for _, m := range regexp.MustCompile(`COPY --from=(\S+)`).FindAllStringSubmatch(df, -1) {
		if !stages[m[1]] {
			t.Errorf("COPY --from=%s names no stage", m[1])
		}
	}
	if !regexp.MustCompile(`(?m)^RUN scripts/setup\.sh$`).MatchString(df) {
		t.Error("docker/Dockerfile does not run scripts/setup.sh")
	}
	if !strings.Contains(read(t, ".dockerignore"), ".git") {
		t.Error(".dockerignore should leave .git out of the build context")
	}
	lint := tool(t, "dockerfile-utils", filepath.Join(root, "build/npm/node_modules/.bin/dockerfile-utils"))
	run(t, root, lint, "lint", "docker/Dockerfile")
}

func TestCompose(t *testing.T) {
	dc := tool(t, "docker-compose")
	abs, err := filepath.Abs(root)
	if err != nil {
		t.Fatal(err)
	}
	// Both ways the README gives: -f from the root, and plain from docker/.
	run(t, root, dc, "-f", "docker/compose.yaml", "config", "-q")
	cfg := run(t, filepath.Join(root, "docker"), dc, "config")
	for _, want := range []string{
		"context: " + abs + "\n",
		"dockerfile: docker/Dockerfile\n",
		"127.0.0.1:8888:8888",
		"- " + abs + ":/home/jovyan/course",
	} {
		if !strings.Contains(cfg, want) {
			t.Errorf("docker-compose config (in docker/) lacks %q:\n%s", want, cfg)
		}
	}
	if !strings.Contains(read(t, "docker/Dockerfile"), "WORKDIR /home/jovyan/course") {
		t.Error("the compose file mounts the course at /home/jovyan/course, where the Dockerfile does not put it")
	}
}

func TestBinder(t *testing.T) {
	post := read(t, "binder/postBuild")
	if !regexp.MustCompile(`(?m)^scripts/setup\.sh$`).MatchString(post) {
		t.Error("binder/postBuild does not run scripts/setup.sh")
	}
	if b, d := goVersionIn(t, "binder/postBuild", "GO_VERSION"), goVersionIn(t, "docker/Dockerfile", "GO_VERSION"); b != d {
		t.Errorf("binder/postBuild installs Go %s, docker/Dockerfile Go %s: keep them the same", b, d)
	}
	if apt := strings.Fields(read(t, "binder/apt.txt")); !slices.Contains(apt, "curl") {
		t.Errorf("binder/apt.txt lacks curl, which binder/postBuild uses (it has %v)", apt)
	}
	start := read(t, "binder/start")
	if !strings.Contains(start, `exec "$@"`) {
		t.Error(`binder/start must end with exec "$@" (repo2docker passes the server command)`)
	}
	if !strings.Contains(start, "go/bin") {
		t.Error("binder/start does not put Go on PATH")
	}
}
