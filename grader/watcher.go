package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"
)

// quiet is how long the files must stay unchanged before a change is
// reported: editors write a file in several steps (truncate, write, rename).
const quiet = 150 * time.Millisecond

// pollEvery is the polling watcher's interval.
const pollEvery = 500 * time.Millisecond

// watchDirs reports changed files in dirs (not recursive) on the returned
// channel, one report per burst of changes. It uses file-system events, or
// polling when poll is set or events cannot be set up. The watcher stops,
// and the channel is closed, when ctx is done.
func watchDirs(ctx context.Context, dirs []string, poll bool, warn io.Writer) (<-chan string, error) {
	raw := make(chan string)
	if poll {
		startPolling(ctx, dirs, raw)
		return debounce(ctx, raw), nil
	}
	fw, err := fsnotify.NewWatcher()
	if err == nil {
		for _, d := range dirs {
			if err = fw.Add(d); err != nil {
				break
			}
		}
	}
	if err != nil {
		if fw != nil {
			fw.Close()
		}
		fmt.Fprintf(warn, "grader: file events unavailable (%v); polling instead.\n", err)
		startPolling(ctx, dirs, raw)
		return debounce(ctx, raw), nil
	}
	go func() {
		defer close(raw)
		defer fw.Close()
		for {
			select {
			case <-ctx.Done():
				return
			case ev, ok := <-fw.Events:
				if !ok {
					return
				}
				if ev.Op == fsnotify.Chmod || ignoredFile(ev.Name) {
					continue
				}
				select {
				case raw <- ev.Name:
				case <-ctx.Done():
					return
				}
			case err, ok := <-fw.Errors:
				if !ok {
					return
				}
				fmt.Fprintf(warn, "grader: watching files: %v\n", err)
			}
		}
	}()
	return debounce(ctx, raw), nil
}

// ignoredFile reports editor scratch files, whose changes mean nothing.
func ignoredFile(name string) bool {
	base := filepath.Base(name)
	return strings.HasPrefix(base, ".") || strings.HasPrefix(base, "#") || strings.HasSuffix(base, "~") ||
		strings.HasSuffix(base, ".swp") || strings.HasSuffix(base, ".swx") || strings.HasSuffix(base, ".tmp") ||
		base == "4913"
}

// debounce forwards the last name of each burst of events, once the burst
// has been quiet for a while. The output closes when in closes or ctx ends.
func debounce(ctx context.Context, in <-chan string) <-chan string {
	out := make(chan string)
	go func() {
		defer close(out)
		var pending string
		timer := time.NewTimer(time.Hour)
		timer.Stop()
		defer timer.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case name, ok := <-in:
				if !ok {
					return
				}
				pending = name
				timer.Reset(quiet)
			case <-timer.C:
				select {
				case out <- pending:
				case <-ctx.Done():
					return
				}
			}
		}
	}()
	return out
}

type fileStamp struct {
	mod  time.Time
	size int64
}

// startPolling compares the files of dirs every pollEvery and reports the
// ones that changed, appeared or disappeared since the call. It closes out
// when ctx ends.
func startPolling(ctx context.Context, dirs []string, out chan<- string) {
	prev := snapshot(dirs) // before returning, so no change is missed
	go pollDirs(ctx, dirs, prev, out)
}

func snapshot(dirs []string) map[string]fileStamp {
	m := map[string]fileStamp{}
	for _, d := range dirs {
		entries, _ := os.ReadDir(d)
		for _, e := range entries {
			if e.IsDir() || ignoredFile(e.Name()) {
				continue
			}
			if info, err := e.Info(); err == nil {
				m[filepath.Join(d, e.Name())] = fileStamp{info.ModTime(), info.Size()}
			}
		}
	}
	return m
}

func pollDirs(ctx context.Context, dirs []string, prev map[string]fileStamp, out chan<- string) {
	defer close(out)
	tick := time.NewTicker(pollEvery)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		cur := snapshot(dirs)
		var changed []string
		for name, s := range cur {
			if p, ok := prev[name]; !ok || p != s {
				changed = append(changed, name)
			}
		}
		for name := range prev {
			if _, ok := cur[name]; !ok {
				changed = append(changed, name)
			}
		}
		prev = cur
		for _, name := range changed {
			select {
			case out <- name:
			case <-ctx.Done():
				return
			}
		}
	}
}
