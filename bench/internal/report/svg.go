package report

import (
	"fmt"
	"html"
	"math"
	"strings"
)

var colors = map[string]string{"streamlib": "#2b6cb0", "goka": "#dd6b20", "sarama": "#718096"}

// SVG draws records/s per workload and library as horizontal bars (the
// median, with a whisker from min to max) and the ceiling as a dashed
// line.
func SVG(r *Result) string {
	const (
		width, left, right, top = 860, 150, 30, 56
		bar, gap                = 18, 14
	)
	var top0 float64
	var ceiling float64
	for _, lr := range r.Results {
		top0 = math.Max(top0, lr.RecordsPerSec.Max)
		if lr.Workload == "ceiling" {
			ceiling = lr.RecordsPerSec.Median
		}
	}
	scale := niceCeil(top0)
	var rows []*LibRuns
	var groups []string
	for _, lr := range r.Results {
		if len(groups) == 0 || groups[len(groups)-1] != lr.Workload {
			groups = append(groups, lr.Workload)
		}
		rows = append(rows, lr)
	}
	height := top + len(rows)*bar + len(groups)*gap + 50
	plotW := float64(width - left - right)
	x := func(v float64) float64 { return float64(left) + plotW*v/scale }

	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="12">`+"\n", width, height, width, height)
	fmt.Fprintf(&b, `<rect width="100%%" height="100%%" fill="white"/>`+"\n")
	title := "records/s per workload — " + r.Broker
	if r.Short {
		title += " (short run)"
	}
	fmt.Fprintf(&b, `<text x="%d" y="20" font-size="14" font-weight="bold">%s</text>`+"\n", left, html.EscapeString(title))
	fmt.Fprintf(&b, `<text x="%d" y="38" fill="#4a5568">%s</text>`+"\n", left, html.EscapeString(fmt.Sprintf(
		"%d records, %d keys, %d-byte values, %d partitions; bar = median of %d run(s), whisker = min–max; %s, %d cores",
		r.Settings.Records, r.Settings.Keys, r.Settings.ValueSize, r.Settings.Partitions, r.Settings.Runs, r.Machine.CPU, r.Machine.Cores)))
	// Grid.
	axisY := height - 40
	for i := 0; i <= 5; i++ {
		v := scale * float64(i) / 5
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#e2e8f0"/>`+"\n", x(v), top-6, x(v), axisY)
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" text-anchor="middle" fill="#4a5568">%s</text>`+"\n", x(v), axisY+16, human(v))
	}
	y := top
	last := ""
	for _, lr := range rows {
		if lr.Workload != last {
			if last != "" {
				y += gap
			}
			last = lr.Workload
			fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="end" font-weight="bold">%s</text>`+"\n", left-64, y+bar-5, html.EscapeString(lr.Workload))
		}
		c := colors[lr.Lib]
		s := lr.RecordsPerSec
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="end" fill="%s">%s</text>`+"\n", left-6, y+bar-5, c, lr.Lib)
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%.1f" height="%d" fill="%s"/>`+"\n", left, y+2, x(s.Median)-float64(left), bar-4, c)
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="black"/>`+"\n", x(s.Min), y+bar/2, x(s.Max), y+bar/2)
		label := human(s.Median)
		if lr.VsGoka > 0 {
			label += fmt.Sprintf("  (%.2f× goka)", lr.VsGoka)
		}
		fmt.Fprintf(&b, `<text x="%.1f" y="%d">%s</text>`+"\n", x(s.Max)+6, y+bar-5, html.EscapeString(label))
		y += bar
	}
	if ceiling > 0 {
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#718096" stroke-dasharray="5,4"/>`+"\n", x(ceiling), top-6, x(ceiling), axisY)
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" text-anchor="end" fill="#718096">ceiling</text>`+"\n", x(ceiling)-4, top-8)
	}
	fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle" fill="#4a5568">records per second</text>`+"\n", left+int(plotW/2), axisY+32)
	b.WriteString("</svg>\n")
	return b.String()
}

// niceCeil rounds v up to 1, 2 or 5 times a power of ten.
func niceCeil(v float64) float64 {
	if v <= 0 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*p >= v {
			return m * p
		}
	}
	return 10 * p
}
