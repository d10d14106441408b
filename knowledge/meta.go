package knowledge

import (
	"fmt"
	"regexp"
	"strings"
)

// The patterns match the question in lower case: (?i) would cost a case
// fold on every question.
var (
	metaSubject = `(this|the|that|it|its)\s*(story|article|piece|report|news|item)?`
	authorRe    = regexp.MustCompile(`\b(who (wrote|authored|reported|penned|writes)\s+` + metaSubject + `\b|(who is|who are|who were|name) the (author|authors|reporters?|writers?)\b|\b(authors?|byline|reporters?|writers?) of ` + metaSubject + `\b|\bwritten by whom\b|^who (wrote|authored) (it|this)\b)`)
	pubDateRe   = regexp.MustCompile(`\b(when (was|is|did)\s+` + metaSubject + `\s*(published|written|posted|released|dated|come out|run|appear)|(publication|publish|published) date|what (date|day) (was|is)\s+` + metaSubject + `\s*(from|published|dated|written)|how old is ` + metaSubject + `|^(was|is)\s+` + metaSubject + `\s*(published|written|posted|released|from)\s+(today|yesterday|this|last|on|in)\b|^is\s+` + metaSubject + `\s*(new|recent|old|current|up to date)\W*$)`)
	outletRe    = regexp.MustCompile(`\b((which|what) (outlet|publication|news organi[sz]ation|newspaper|network|site|news outlet|media outlet)\b|who (published|ran|publishes)\s+` + metaSubject + `|where (was|is)\s+` + metaSubject + `\s*(published|from)|^(is|was)\s+` + metaSubject + `\s*(from|by|published by|on)\s|^what('s| is) the source\W*$|\bsource of ` + metaSubject + `)`)
	updatedRe   = regexp.MustCompile(`\b(when (was|is|did)\s+` + metaSubject + `\s*(last )?(updated|changed|revised|corrected)|(was|has) ` + metaSubject + `\s*(been )?(updated|changed|revised|corrected)|last updated)`)
	titleRe     = regexp.MustCompile(`\bwhat('s| is) the (headline|title)\b|\b(headline|title) of ` + metaSubject)
)

// answerMeta answers questions about a story itself — its authors, date,
// outlet, updates, headline — from its header.
func (sn *snapshot) answerMeta(q string, opts AskOptions) (Answer, bool) {
	kind := ""
	// Each pattern runs only when the question holds a word it needs.
	lower, odd := strings.ToLower(q), oddFold(q)
	may := func(subs ...string) bool { return odd || containsAny(lower, subs) }
	switch {
	case may("updated", "changed", "revised", "corrected") && updatedRe.MatchString(lower):
		kind = "updated"
	case may("wrote", "author", "report", "penned", "write", "byline", "written by whom") && authorRe.MatchString(lower):
		kind = "author"
	case may("publish", "written", "posted", "released", "dated", "come out", "run", "appear", "date", "what d", "how old is", "is this", "is it", "is the story", "is the article") && pubDateRe.MatchString(lower):
		kind = "date"
	case may("outlet", "publication", "organi", "newspaper", "network", "site", "publish", "ran", "where", "is this", "is it", "was this", "was it", "is the story", "is the article", "source") && outletRe.MatchString(lower):
		kind = "outlet"
	case may("headline", "title") && titleRe.MatchString(lower):
		kind = "title"
	default:
		return Answer{}, false
	}
	stories := sn.stories
	if opts.Story != "" {
		if i, ok := sn.byID[opts.Story]; ok {
			stories = sn.stories[i : i+1]
		}
	}
	if len(stories) == 0 {
		return Answer{}, false
	}
	a := Answer{Question: q, Meta: true}
	var lines []string
	for _, s := range stories {
		prefix := ""
		if len(stories) > 1 {
			prefix = s.ID + ": "
		}
		switch kind {
		case "author":
			switch {
			case len(s.Authors) > 0:
				line := prefix + "Written by " + joinNames(s.Authors)
				if s.Outlet != "" {
					line += " for " + s.Outlet
				}
				lines = append(lines, line+publishedSuffix(s)+".")
			default:
				lines = append(lines, prefix+"The story does not name its authors"+outletSuffix(s)+".")
			}
		case "date":
			if s.Date.IsZero() {
				lines = append(lines, prefix+"The story does not give its publication date.")
			} else {
				lines = append(lines, fmt.Sprintf("%sPublished %s (%s)%s.", prefix, s.Date.Format("Monday, January 2, 2006"), s.Date.Format("2006-01-02"), outletSuffix(s)))
			}
		case "outlet":
			if s.Outlet == "" {
				lines = append(lines, prefix+"The story does not name its outlet.")
			} else {
				lines = append(lines, prefix+"Published by "+s.Outlet+publishedSuffix(s)+".")
			}
		case "title":
			lines = append(lines, prefix+"“"+s.Title+"”")
		case "updated":
			p, ok := s.UpdateNote()
			if !ok {
				lines = append(lines, prefix+"The story carries no update note"+publishedSuffix(s)+".")
				continue
			}
			line := prefix + p.Text + fmt.Sprintf(" [¶%d]", p.N)
			for _, d := range s.Dates {
				if d.Paragraph == p.N {
					line += fmt.Sprintf(" (%s = %s)", d.Phrase, d.Label())
				}
			}
			lines = append(lines, line)
			a.Citations = append(a.Citations, Citation{Story: s.ID, Paragraph: p.N, Quote: p.Text, Start: 0, End: len(p.Text)})
		}
	}
	a.Text = strings.Join(lines, "\n")
	return a, true
}

func publishedSuffix(s *Story) string {
	if s.Date.IsZero() {
		return ""
	}
	return ", published " + s.Date.Format("January 2, 2006")
}

func outletSuffix(s *Story) string {
	if s.Outlet == "" {
		return ""
	}
	return " by " + s.Outlet
}

func joinNames(names []string) string {
	switch len(names) {
	case 0:
		return ""
	case 1:
		return names[0]
	case 2:
		return names[0] + " and " + names[1]
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}
