package insights

import (
	"fmt"
	"strings"
)

// The charts are drawn on the server as inline SVG: the page needs no
// script, and a chart scales to the screen's width through its viewBox.

// palette colours stories in the charts, in order; it repeats past its end.
var palette = []string{"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"}

// chart is one SVG chart's geometry.
type chart struct {
	Title         string
	Width, Height int
	Rects         []rect
	Lines         []line
	Polyline      string // "x,y x,y …" for a line chart
	Dots          []dot
	Labels        []label
	Legend        []legendItem
}

type rect struct {
	X, Y, W, H float64
	Fill       string
	Tip        string // the <title>: what the box counts
}

type line struct{ X1, Y1, X2, Y2 float64 }

type dot struct {
	X, Y float64
	Tip  string
}

type label struct {
	X, Y   float64
	Text   string
	Anchor string // start, middle, end
}

type legendItem struct{ Name, Fill string }

const (
	chartW  = 640
	chartH  = 220
	padL    = 36
	padR    = 8
	padT    = 10
	padB    = 28
	plotW   = chartW - padL - padR
	plotH   = chartH - padT - padB
	maxDays = 62 // a longer period is charted as its last maxDays days
)

// storyColours gives each story of the report its colour.
func storyColours(r Report) map[string]string {
	m := map[string]string{}
	for i, s := range r.Stories {
		m[s.Story] = palette[i%len(palette)]
	}
	return m
}

func chartDays(r Report) []Day {
	if len(r.Days) > maxDays {
		return r.Days[len(r.Days)-maxDays:]
	}
	return r.Days
}

// axes draws the y axis from 0 to top, labelled with unit, and a baseline.
func axes(c *chart, top float64, format func(float64) string) {
	for _, f := range []float64{0, 0.5, 1} {
		y := padT + plotH*(1-f)
		c.Lines = append(c.Lines, line{padL, y, chartW - padR, y})
		c.Labels = append(c.Labels, label{X: padL - 4, Y: y + 4, Text: format(top * f), Anchor: "end"})
	}
}

// dayLabels labels the first, middle and last day under the plot.
func dayLabels(c *chart, days []Day, x func(i int) float64) {
	if len(days) == 0 {
		return
	}
	for _, i := range uniq(0, len(days)/2, len(days)-1) {
		c.Labels = append(c.Labels, label{X: x(i), Y: chartH - 8, Text: days[i].Date[5:], Anchor: "middle"})
	}
}

func uniq(xs ...int) []int {
	var out []int
	for _, x := range xs {
		if len(out) == 0 || out[len(out)-1] != x {
			out = append(out, x)
		}
	}
	return out
}

// questionsChart stacks each day's questions by story.
func questionsChart(r Report) chart {
	c := chart{Title: "Questions per day, by story", Width: chartW, Height: chartH}
	days := chartDays(r)
	top := 2
	for _, d := range days {
		top = max(top, d.Asked)
	}
	// An even top puts whole numbers on the mid line: 3 would label 1.5
	// as "2" over bars of height 2.
	top += top % 2
	axes(&c, float64(top), func(v float64) string { return fmt.Sprintf("%.0f", v) })
	colours := storyColours(r)
	slot := float64(plotW) / float64(max(len(days), 1))
	barW := max(slot*0.7, 1)
	x := func(i int) float64 { return padL + slot*float64(i) + slot/2 }
	for i, d := range days {
		y := float64(padT + plotH)
		for _, s := range r.Stories { // stories in the report's order
			n := d.PerStory[s.Story]
			if n == 0 {
				continue
			}
			h := float64(plotH) * float64(n) / float64(top)
			y -= h
			c.Rects = append(c.Rects, rect{X: x(i) - barW/2, Y: y, W: barW, H: h, Fill: colours[s.Story],
				Tip: fmt.Sprintf("%s, %s: %d", d.Date, s.Name(), n)})
		}
	}
	dayLabels(&c, days, x)
	for _, s := range r.Stories {
		c.Legend = append(c.Legend, legendItem{Name: s.Name(), Fill: colours[s.Story]})
	}
	return c
}

// declineChart draws the share of each day's questions that were declined.
func declineChart(r Report) chart {
	c := chart{Title: "Share of questions declined, per day", Width: chartW, Height: chartH}
	days := chartDays(r)
	axes(&c, 1, func(v float64) string { return fmt.Sprintf("%.0f%%", 100*v) })
	slot := float64(plotW) / float64(max(len(days), 1))
	x := func(i int) float64 { return padL + slot*float64(i) + slot/2 }
	var pts []string
	for i, d := range days {
		if d.Asked == 0 {
			continue
		}
		rate := float64(d.Declined) / float64(d.Asked)
		y := padT + float64(plotH)*(1-rate)
		pts = append(pts, fmt.Sprintf("%.1f,%.1f", x(i), y))
		c.Dots = append(c.Dots, dot{X: x(i), Y: y, Tip: fmt.Sprintf("%s: %d of %d declined", d.Date, d.Declined, d.Asked)})
	}
	c.Polyline = strings.Join(pts, " ")
	dayLabels(&c, days, x)
	return c
}

// feedbackChart draws 👍 and 👎 per story as pairs of bars, labelled in
// words: a browser without an emoji font draws no emoji.
func feedbackChart(r Report) chart {
	rows := len(r.Stories)
	c := chart{Title: "Answers rated helpful / not helpful, per story", Width: chartW, Height: padT + 8 + 34*max(rows, 1)}
	top := 1
	for _, s := range r.Stories {
		top = max(top, s.Helpful, s.Unhelpful)
	}
	const labelW = 200
	w := float64(chartW - labelW - padR - 90) // room for "not helpful 12" after a bar
	for i, s := range r.Stories {
		y := float64(padT + 34*i)
		c.Labels = append(c.Labels, label{X: labelW - 6, Y: y + 17, Text: shorten(s.Name(), 30), Anchor: "end"})
		for j, v := range []struct {
			n    int
			fill string
			what string
		}{{s.Helpful, "#2ca02c", "helpful"}, {s.Unhelpful, "#d62728", "not helpful"}} {
			bw := max(w*float64(v.n)/float64(top), 1)
			by := y + float64(j)*13
			c.Rects = append(c.Rects, rect{X: labelW, Y: by, W: bw, H: 12, Fill: v.fill,
				Tip: fmt.Sprintf("%s: %s %d", s.Name(), v.what, v.n)})
			c.Labels = append(c.Labels, label{X: labelW + bw + 4, Y: by + 10, Text: fmt.Sprintf("%s %d", v.what, v.n), Anchor: "start"})
		}
	}
	return c
}
