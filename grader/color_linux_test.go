package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

// openPTY opens a pseudo-terminal and returns its terminal side, the kind
// of file a learner's shell gives the grader as standard output, and its
// controlling side, which reads what is written to the terminal.
func openPTY(t *testing.T) (pts, ptmx *os.File) {
	t.Helper()
	ptmx, err := os.OpenFile("/dev/ptmx", os.O_RDWR, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals here: %v", err)
	}
	t.Cleanup(func() { ptmx.Close() })
	fd := int(ptmx.Fd())
	require.NoError(t, unix.IoctlSetPointerInt(fd, unix.TIOCSPTLCK, 0), "unlock the pty")
	n, err := unix.IoctlGetInt(fd, unix.TIOCGPTN)
	require.NoError(t, err)
	pts, err = os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|unix.O_NOCTTY, 0)
	require.NoError(t, err)
	t.Cleanup(func() { pts.Close() })
	return pts, ptmx
}

func TestColorOnlyOnATerminal(t *testing.T) {
	t.Setenv("NO_COLOR", "")
	t.Setenv("TERM", "xterm-256color")
	pts, _ := openPTY(t)
	devNull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	require.NoError(t, err)
	defer devNull.Close()
	r, w, err := os.Pipe()
	require.NoError(t, err)
	defer r.Close()
	defer w.Close()

	require.True(t, useColor(pts, false), "a terminal gets colours")
	require.False(t, useColor(pts, true), "-no-color")
	require.False(t, useColor(devNull, false), "/dev/null is a character device, not a terminal")
	require.False(t, useColor(w, false), "a pipe")

	t.Setenv("NO_COLOR", "1")
	require.False(t, useColor(pts, false), "NO_COLOR=1 on a terminal")
	t.Setenv("NO_COLOR", "")
	t.Setenv("TERM", "dumb")
	require.False(t, useColor(pts, false), "TERM=dumb")
}

func TestStatusOnATerminal(t *testing.T) {
	t.Setenv("TERM", "xterm-256color")
	root := fixture(t)
	for _, noColor := range []string{"", "1"} {
		t.Setenv("NO_COLOR", noColor)
		pts, ptmx := openPTY(t)
		read := make(chan string)
		go func() {
			b, _ := io.ReadAll(ptmx) // ends with EIO once the terminal side is closed
			read <- string(b)
		}()
		code := run(context.Background(), []string{"status", "-C", root}, stdio{in: strings.NewReader(""), out: pts, err: io.Discard})
		pts.Close()
		out := <-read
		require.Equal(t, exitOK, code)
		require.Contains(t, out, "Adding numbers")
		if noColor == "" {
			require.Contains(t, out, "\x1b[", "colours on a terminal")
		} else {
			require.NotContains(t, out, "\x1b[", "NO_COLOR=1: no colours, even on a terminal")
		}
	}
}
