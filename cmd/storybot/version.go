package main

import (
	"fmt"
	"io"
	"runtime/debug"
)

// Set at build time, as the Dockerfile and the README's `go build` line
// do:
//
//	go build -ldflags "-X main.version=v1.2.3 -X main.commit=$(git rev-parse HEAD) \
//	  -X main.date=$(date -u +%Y-%m-%dT%H:%M:%SZ)" ./cmd/storybot
//
// Whatever is not stamped falls back to what the Go toolchain recorded:
// the module version, and the VCS revision unless the build ran with
// -buildvcs=false (common in CI).
var (
	version = ""
	commit  = ""
	date    = "" // when the binary was built; never the commit's time
)

func runVersion(e env) int {
	bi, _ := debug.ReadBuildInfo()
	writeVersion(e.stdout, stamp{version: version, commit: commit, date: date}, bi)
	return exitOK
}

// stamp is what -ldflags set.
type stamp struct{ version, commit, date string }

// writeVersion prints the version, the commit and the build date: each
// from the stamp, else from the build info. A commit's time is printed as
// such, never as the build date.
func writeVersion(w io.Writer, s stamp, bi *debug.BuildInfo) {
	v, c, committed, modified := s.version, s.commit, "", false
	if bi != nil {
		if v == "" && bi.Main.Version != "" {
			v = bi.Main.Version
		}
		for _, kv := range bi.Settings {
			switch kv.Key {
			case "vcs.revision":
				if c == "" {
					c = kv.Value
				}
			case "vcs.time":
				committed = kv.Value
			case "vcs.modified":
				modified = kv.Value == "true"
			}
		}
	}
	if v == "" {
		v = "(devel)"
	}
	fmt.Fprintf(w, "storybot %s\n", v)
	switch {
	case c == "":
		fmt.Fprintln(w, "commit    unknown (built without version control information)")
	case modified && s.commit == "":
		fmt.Fprintf(w, "commit    %s (with uncommitted changes)\n", c)
	default:
		fmt.Fprintf(w, "commit    %s\n", c)
	}
	if committed != "" && s.commit == "" {
		fmt.Fprintf(w, "committed %s\n", committed)
	}
	if s.date != "" {
		fmt.Fprintf(w, "built     %s\n", s.date)
	} else {
		fmt.Fprintln(w, "built     unknown (the build date was not stamped)")
	}
	if bi != nil && bi.GoVersion != "" {
		fmt.Fprintf(w, "go        %s\n", bi.GoVersion)
	}
}
