//go:build unix

package runner

import (
	"os/exec"
	"syscall"
)

// setProcessGroup puts go test and the test binary it starts in their own
// process group, so that a cancel kills both: killing only the go command
// would leave a hanging test binary behind.
func setProcessGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error {
		return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
}
