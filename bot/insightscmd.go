package bot

import "context"

// InsightsBuilder makes the reply to the admins' insights command: what
// readers asked in the last seven days.
type InsightsBuilder interface {
	BuildInsights(ctx context.Context) (Reply, error)
}

// insights answers `insights` (which only admins reach).
func (h *Handler) insights(ctx context.Context) Reply {
	if h.cfg.Insights == nil {
		return Reply{Kind: KindNotice, Text: "Insights need the question log, which `storybot serve` keeps in its database; " +
			"this storybot has none. Run `storybot insights --db PATH` where that database is."}
	}
	r, err := h.cfg.Insights.BuildInsights(ctx)
	if err != nil {
		h.log.Error("insights failed", "err", err)
		return Reply{Kind: KindNotice, Text: SafeText(err)}
	}
	return r
}
