package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestSummary(t *testing.T) {
	tests := []struct {
		name     string
		stream   string
		wantCode int
		wantOut  []string // lines that must appear
		wantNot  []string // lines that must not appear
	}{
		{
			name: "passing and skipped tests",
			stream: `{"Action":"run","Package":"p","Test":"TestA"}
{"Action":"output","Package":"p","Test":"TestA","Output":"noise of a passing test\n"}
{"Action":"pass","Package":"p","Test":"TestA"}
{"Action":"output","Package":"p","Test":"TestB","Output":"    b_test.go:3: no broker\n"}
{"Action":"skip","Package":"p","Test":"TestB"}
{"Action":"output","Package":"p","Output":"ok  \tp\t0.1s\n"}
{"Action":"pass","Package":"p"}`,
			wantCode: 0,
			wantOut:  []string{"ok  \tp\t0.1s", "SKIP     b_test.go:3: no broker", "tests: 1 passed, 0 failed, 1 skipped"},
			wantNot:  []string{"noise of a passing test"},
		},
		{
			name: "failing subtest",
			stream: `{"Action":"output","Package":"p","Test":"TestA/x","Output":"    a_test.go:9: boom\n"}
{"Action":"fail","Package":"p","Test":"TestA/x"}
{"Action":"fail","Package":"p","Test":"TestA"}
{"Action":"output","Package":"p","Output":"FAIL\tp\t0.2s\n"}
{"Action":"fail","Package":"p"}`,
			wantCode: 1,
			wantOut:  []string{"a_test.go:9: boom", "FAIL\tp\t0.2s", "tests: 0 passed, 2 failed, 0 skipped"},
		},
		{
			name: "build failure",
			stream: `{"ImportPath":"q","Action":"build-output","Output":"q/x.go:1:1: undefined: y\n"}
{"ImportPath":"q","Action":"build-fail"}
{"Action":"output","Package":"q","Output":"FAIL\tq [build failed]\n"}
{"Action":"fail","Package":"q","FailedBuild":"q"}
{"Action":"output","Package":"r","Output":"FAIL\tr [build failed]\n"}
{"Action":"fail","Package":"r","FailedBuild":"q"}`,
			wantCode: 1,
			wantOut:  []string{"q/x.go:1:1: undefined: y", "did not build: q r", "tests: 0 passed, 0 failed, 0 skipped"},
			wantNot:  []string{"failed packages"},
		},
		{
			name: "test cut short by a timeout",
			stream: `{"Action":"output","Package":"p","Test":"TestSlow","Output":"    slow_test.go:5: waiting\n"}
{"Action":"output","Package":"p","Output":"panic: test timed out after 1s\n"}
{"Action":"fail","Package":"p"}`,
			wantCode: 1,
			wantOut:  []string{"slow_test.go:5: waiting", "panic: test timed out", "failed packages: p"},
		},
		{
			name:     "no test ran",
			stream:   `{"Action":"output","Package":"p","Output":"?   \tp\t[no test files]\n"}` + "\n" + `{"Action":"skip","Package":"p"}`,
			wantCode: 3,
			wantOut:  []string{"no test ran"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			s := &summary{out: &out, buf: map[key][]string{}}
			if err := s.read(strings.NewReader(tt.stream)); err != nil {
				t.Fatal(err)
			}
			code := s.finish()
			if code != tt.wantCode {
				t.Errorf("exit code %d, want %d; output:\n%s", code, tt.wantCode, out.String())
			}
			for _, want := range tt.wantOut {
				if !strings.Contains(out.String(), want) {
					t.Errorf("output lacks %q:\n%s", want, out.String())
				}
			}
			for _, not := range tt.wantNot {
				if strings.Contains(out.String(), not) {
					t.Errorf("output has %q:\n%s", not, out.String())
				}
			}
		})
	}
}
