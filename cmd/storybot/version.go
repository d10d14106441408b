package main

import (
	"fmt"
	"runtime/debug"
)

// version is set at build time with -ldflags "-X main.version=v1.2.3";
// otherwise the module version from the build info is used.
var version = ""

func runVersion(e env) int {
	v, commit, date, modified := version, "", "", false
	if bi, ok := debug.ReadBuildInfo(); ok {
		if v == "" {
			v = bi.Main.Version
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				commit = s.Value
			case "vcs.time":
				date = s.Value
			case "vcs.modified":
				modified = s.Value == "true"
			}
		}
	}
	if v == "" {
		v = "(devel)"
	}
	fmt.Fprintf(e.stdout, "storybot %s\n", v)
	if commit != "" {
		if modified {
			commit += " (modified)"
		}
		fmt.Fprintf(e.stdout, "commit  %s\n", commit)
	}
	if date != "" {
		fmt.Fprintf(e.stdout, "built   %s\n", date)
	}
	return exitOK
}
