package embedded

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/twmb/franz-go/pkg/kfake"
)

// slogLogger adapts an slog.Logger to the logger interface of kfake.
type slogLogger struct {
	l *slog.Logger
}

func (s slogLogger) Logf(level kfake.LogLevel, format string, args ...any) {
	var lvl slog.Level
	switch level {
	case kfake.LogLevelError:
		lvl = slog.LevelError
	case kfake.LogLevelWarn:
		lvl = slog.LevelWarn
	case kfake.LogLevelInfo:
		lvl = slog.LevelInfo
	case kfake.LogLevelDebug:
		lvl = slog.LevelDebug
	default:
		return
	}
	ctx := context.Background()
	if !s.l.Enabled(ctx, lvl) {
		return // skip the formatting cost of lines nobody reads
	}
	s.l.Log(ctx, lvl, fmt.Sprintf(format, args...), slog.String("component", "kfake"))
}
