//go:build !unix

package runner

import "os/exec"

// setProcessGroup is a no-op where process groups are not available; the
// go command is killed on cancel and the test binary's own -timeout stops it.
func setProcessGroup(*exec.Cmd) {}
