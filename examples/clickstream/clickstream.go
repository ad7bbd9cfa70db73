// Package clickstream enriches page views with who viewed them and what
// they had just searched for: a stream-table join followed by a windowed
// stream-stream join.
package clickstream

import (
	"time"

	"github.com/streamworkshop/workshop/streamlib"
	"github.com/streamworkshop/workshop/streamlib/serde"
	"github.com/streamworkshop/workshop/streamlib/window"
)

// Topics of the example. All are keyed by user id.
const (
	PageViewsTopic = "page-views"
	ProfilesTopic  = "user-profiles"
	SearchesTopic  = "searches"
	EnrichedTopic  = "enriched-page-views"
)

// PageView is one page a user opened.
type PageView struct {
	Page string `json:"page"`
}

// Profile is what we know about a user.
type Profile struct {
	Region string `json:"region"`
}

// Search is one search a user made.
type Search struct {
	Terms string `json:"terms"`
}

// EnrichedView is a page view with the viewer's region (empty when the
// user has no profile) and the search made in the second before the view.
type EnrichedView struct {
	Page   string `json:"page"`
	Region string `json:"region"`
	Search string `json:"search"`
}

// SearchWindow is how long before a page view a search counts as its cause.
const SearchWindow = time.Second

// Build adds the topology to b.
func Build(b *streamlib.Builder) {
	views := streamlib.Stream(b, PageViewsTopic, serde.String(), serde.JSON[PageView]())
	profiles := streamlib.Table(b, ProfilesTopic, serde.String(), serde.JSON[Profile](), streamlib.Materialized("profiles"))
	searches := streamlib.Stream(b, SearchesTopic, serde.String(), serde.JSON[Search]())

	// Every view is kept, with or without a profile: a left join.
	withRegion := streamlib.LeftJoinTable(views, profiles, func(_ string, v PageView, p *Profile) EnrichedView {
		e := EnrichedView{Page: v.Page}
		if p != nil {
			e.Region = p.Region
		}
		return e
	})
	// Only views preceded by a search within a second: the window reaches
	// back one second before the view and not at all after it.
	within := window.JoinWindows{Before: SearchWindow, After: 0, Grace: 0}
	enriched := streamlib.Join(withRegion, searches, func(_ string, e EnrichedView, s Search) EnrichedView {
		e.Search = s.Terms
		return e
	}, within)
	enriched.To(EnrichedTopic)
}

// Topology returns the built topology.
func Topology() (*streamlib.Topology, error) {
	b := streamlib.NewBuilder()
	Build(b)
	return b.Build()
}
