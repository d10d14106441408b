package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestREADMETerminalExamplesReproduce runs every `$ storybot …` line of the
// README's "Using storybot from the terminal" example and checks that it
// prints what the README shows, byte for byte: a reader who copies it
// sees the same answer.
func TestREADMETerminalExamplesReproduce(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	readme := string(data)
	start := strings.Index(readme, "## Using storybot from the terminal")
	if start < 0 {
		t.Fatal("README has no section \"Using storybot from the terminal\"")
	}
	block := readme[start:]
	open := strings.Index(block, "```text\n")
	if open < 0 {
		t.Fatal("the section has no text block")
	}
	block = block[open+len("```text\n"):]
	block = block[:strings.Index(block, "```")]
	type example struct{ cmd, want string }
	var examples []example
	for _, chunk := range strings.Split(block, "$ storybot ")[1:] {
		cmd, want, _ := strings.Cut(chunk, "\n")
		examples = append(examples, example{cmd, strings.TrimRight(want, "\n")})
	}
	if len(examples) == 0 {
		t.Fatal("no `$ storybot` lines in the example")
	}
	for _, ex := range examples {
		t.Run("storybot "+ex.cmd+" prints what the README shows", func(t *testing.T) {
			args := splitArgs(ex.cmd)
			out, errOut, code := runCLI(t, "", nil, args...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			if got := strings.TrimRight(out, "\n"); got != ex.want {
				t.Errorf("output differs from the README\ngot:\n%s\nwant:\n%s", got, ex.want)
			}
		})
	}
}

// splitArgs splits a shell command line on spaces, keeping double-quoted
// words together.
func splitArgs(line string) []string {
	var out []string
	var cur strings.Builder
	quoted, have := false, false
	for _, r := range line {
		switch {
		case r == '"':
			quoted, have = !quoted, true
		case r == ' ' && !quoted:
			if have {
				out = append(out, cur.String())
				cur.Reset()
				have = false
			}
		default:
			cur.WriteRune(r)
			have = true
		}
	}
	if have {
		out = append(out, cur.String())
	}
	return out
}
